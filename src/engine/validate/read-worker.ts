// The worker thread of read-ahead.ts: reads a validation's files through the workspace's guarded
// read, chunk by chunk from the last, until it meets a chunk the checks took, its byte budget is
// spent, or the validation stops it.

import { parentPort } from "node:worker_threads";
import { Workspace } from "../../config/workspace.js";
import { readFacts } from "./files.js";
import { FREE, POSTED, type ReadChunk, type ReadJob, WORKER } from "./read-ahead.js";

const port = parentPort;
if (!port) throw new Error("read-worker.js runs as a worker thread");
const workspaces = new Map<string, Workspace>();

port.on("message", (job: ReadJob) => {
  try {
    read(job);
  } finally {
    job.port.close();
  }
});

function read({ root, files, chunk: size, budget, state: buffer, port: out }: ReadJob): void {
  let workspace = workspaces.get(root);
  if (!workspace) {
    workspace = new Workspace(root);
    workspaces.set(root, workspace);
  }
  const state = new Int32Array(buffer);
  const stop = state.length - 1;
  let held = 0;
  for (let chunk = state.length - 2; chunk >= 0 && held < budget; chunk--) {
    if (Atomics.load(state, stop) === 1) return;
    // The checks got here first: every earlier chunk is theirs too.
    if (Atomics.compareExchange(state, chunk, FREE, WORKER) !== FREE) return;
    const reads: ReadChunk["reads"] = [];
    for (let i = chunk * size; i < Math.min(files.length, (chunk + 1) * size); i++) {
      const read = readFacts(workspace, files[i] as string, "first-read") ?? null;
      held += read?.content?.length ?? 0;
      reads.push(read);
    }
    out.postMessage({ chunk, reads } satisfies ReadChunk);
    Atomics.store(state, chunk, POSTED);
    Atomics.notify(state, chunk);
  }
}
