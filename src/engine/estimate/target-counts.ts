import type { Workspace } from "../../config/workspace.js";
import { UserError } from "../../errors.js";
import { WorkerPool } from "../worker-pool.js";

/**
 * Reading and counting an iteration's targets is most of generating its prompts (#13.4): with
 * thousands of targets it is spread over worker threads, each reading through the same guarded
 * read and counting with the same o200k tokenizer, while this thread takes its share too. Chunks
 * are claimed from a shared counter, so a worker still loading its tokenizer (about 150 ms, once
 * per process) takes none and a busy core takes fewer. Below PARALLEL_FROM targets, or where no
 * worker can run, everything is counted here, in the same order.
 */

type CountText = (text: string) => number;

export interface TargetCount {
  tokens: number;
  /** Only whitespace: nothing to work from (a risk). */
  empty: boolean;
}

/** Targets from which worker threads pay for their start and messages. */
export const PARALLEL_FROM = 2000;
/** Targets per claim: small enough to balance, large enough that messages cost nothing. */
const CHUNK = 100;

/** A job as posted to a worker; `claim` holds the next chunk to take. */
export interface CountJob {
  id: number;
  root: string;
  paths: readonly string[];
  chunk: number;
  claim: SharedArrayBuffer;
}

/** A chunk's counts, as a worker posts them back; `tokens` is indexed from the chunk's first target. */
export interface ChunkResult {
  job: number;
  chunk: number;
  tokens: number[];
  /** Indexes (in the job) of targets that hold only whitespace. */
  empty: number[];
  errors: { index: number; message: string; user: boolean }[];
}

/** One target through the guarded read (resolveTargets already confined it to the workspace). */
export function countOne(workspace: Workspace, path: string, count: CountText): TargetCount {
  const content = workspace.readText(path, { what: "target" });
  return { tokens: count(content), empty: content.trim() === "" };
}

/**
 * Each target's tokens, in the order given. A target that cannot be read fails the whole count
 * with the error of the first such target, as counting one by one would.
 */
export function countTargets(
  workspace: Workspace,
  paths: readonly string[],
  count: CountText,
  parallelFrom = PARALLEL_FROM,
): Promise<TargetCount[]> {
  return startCounting(workspace, paths, count, parallelFrom)();
}

/**
 * `countTargets` in two steps: the workers start on the targets now, while this thread does other
 * work; the function returned takes this thread's share and gives the counts (or the first
 * error). Without workers, all counting happens in that call. A count nobody waits for still
 * finishes in the workers and is dropped.
 */
export function startCounting(
  workspace: Workspace,
  paths: readonly string[],
  count: CountText,
  parallelFrom = PARALLEL_FROM,
): () => Promise<TargetCount[]> {
  const workers = paths.length >= parallelFrom ? pool.acquire() : [];
  if (workers.length === 0) return async () => paths.map((p) => countOne(workspace, p, count));

  const id = ++lastJob;
  const claim = new SharedArrayBuffer(4);
  const claimed = new Int32Array(claim);
  const chunks = Math.ceil(paths.length / CHUNK);
  const tokens = new Array<number>(paths.length).fill(0);
  const empty = new Array<boolean>(paths.length).fill(false);
  const done = new Array<boolean>(chunks).fill(false);
  const failures: { index: number; error: Error }[] = [];
  let left = chunks;
  let wake: (() => void) | undefined;

  const record = (r: ChunkResult) => {
    if (done[r.chunk]) return;
    done[r.chunk] = true;
    left--;
    const first = r.chunk * CHUNK;
    r.tokens.forEach((t, i) => {
      tokens[first + i] = t;
    });
    for (const i of r.empty) empty[i] = true;
    for (const e of r.errors)
      failures.push({ index: e.index, error: e.user ? new UserError(e.message) : new Error(e.message) });
    if (left > 0) return;
    jobs.delete(id);
    pool.release();
    wake?.();
  };
  /** Counts a chunk here: one this thread claimed, or one a failed worker may have left. */
  const countHere = (chunk: number) => {
    const result: ChunkResult = { job: id, chunk, tokens: [], empty: [], errors: [] };
    for (let i = chunk * CHUNK; i < Math.min(paths.length, (chunk + 1) * CHUNK); i++) {
      try {
        const counted = countOne(workspace, paths[i] as string, count);
        result.tokens.push(counted.tokens);
        if (counted.empty) result.empty.push(i);
      } catch (error) {
        result.tokens.push(0);
        failures.push({ index: i, error: error as Error });
      }
    }
    record(result);
  };
  jobs.set(id, {
    record,
    // A worker that died may have claimed chunks it never reported: they are counted here.
    lost: () => {
      for (let chunk = 0; chunk < chunks; chunk++) if (!done[chunk]) countHere(chunk);
    },
  });
  const job: CountJob = { id, root: workspace.root, paths, chunk: CHUNK, claim };
  for (const worker of workers) worker.postMessage(job);

  return async () => {
    for (let chunk = Atomics.add(claimed, 0, 1); chunk < chunks; chunk = Atomics.add(claimed, 0, 1))
      countHere(chunk);
    if (left > 0) await new Promise<void>((resolve) => (wake = resolve));
    if (failures.length > 0) {
      failures.sort((a, b) => a.index - b.index);
      throw failures[0]?.error;
    }
    return tokens.map((t, i) => ({ tokens: t, empty: empty[i] ?? false }));
  };
}

let lastJob = 0;
const jobs = new Map<number, { record: (r: ChunkResult) => void; lost: () => void }>();

/** One worker per core beyond this thread's, at most three. */
const pool = new WorkerPool(
  new URL("./count-worker.js", import.meta.url),
  (cores) => Math.min(3, cores - 1),
  {
    onMessage: (message) => {
      const r = message as ChunkResult;
      jobs.get(r.job)?.record(r);
    },
    onLost: () => {
      for (const job of jobs.values()) job.lost();
    },
  },
);

/** Starts the workers ahead of a count of `targets` targets, so their tokenizers load meanwhile. */
export function prepareCounting(targets: number): void {
  if (targets >= PARALLEL_FROM) pool.warm();
}
