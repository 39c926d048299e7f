// A worker thread of target-counts.ts: reads targets through the workspace's guarded read and counts
// them with the same o200k tokenizer, taking chunks of a job until the shared counter runs out.

import { parentPort } from "node:worker_threads";
import { Workspace } from "../../config/workspace.js";
import { UserError } from "../../errors.js";
import { loadTokenizer } from "../tokens.js";
import { type ChunkResult, type CountJob, countOne } from "./target-counts.js";

const port = parentPort;
if (!port) throw new Error("count-worker.js runs as a worker thread");
const count = await loadTokenizer();
const workspaces = new Map<string, Workspace>();

port.on("message", (job: CountJob) => {
  let workspace = workspaces.get(job.root);
  if (!workspace) {
    workspace = new Workspace(job.root);
    workspaces.set(job.root, workspace);
  }
  const claim = new Int32Array(job.claim);
  const chunks = Math.ceil(job.paths.length / job.chunk);
  for (let chunk = Atomics.add(claim, 0, 1); chunk < chunks; chunk = Atomics.add(claim, 0, 1)) {
    const result: ChunkResult = { job: job.id, chunk, tokens: [], empty: [], errors: [] };
    const end = Math.min(job.paths.length, (chunk + 1) * job.chunk);
    for (let i = chunk * job.chunk; i < end; i++) {
      try {
        const counted = countOne(workspace, job.paths[i] as string, count);
        result.tokens.push(counted.tokens);
        if (counted.empty) result.empty.push(i);
      } catch (error) {
        result.tokens.push(0);
        result.errors.push({
          index: i,
          message: error instanceof Error ? error.message : String(error),
          user: error instanceof UserError,
        });
      }
    }
    port.postMessage(result);
  }
});
