import { MessageChannel, type MessagePort, receiveMessageOnPort } from "node:worker_threads";
import type { Workspace } from "../../config/workspace.js";
import { WorkerPool } from "../worker-pool.js";
import type { FileRead } from "./files.js";

/**
 * Reading the deliverables is half of validating a large iteration (#13.4): a worker thread reads
 * them through the same guarded read (`readFacts`) while this thread runs the checks. Files go in
 * chunks; the checks take them from the front, the worker from the back, and each chunk is claimed
 * once, by whichever gets there first, through a shared array: no file is read twice, neither side
 * waits on the other until they meet, and a slow worker (a busy machine) only reads fewer. The
 * worker gives up on files larger than one read and stops after BUDGET bytes, so the texts it holds
 * stay bounded. Everything on this side is synchronous (the checks ask for files synchronously):
 * results are pulled off the port with `receiveMessageOnPort`, and a chunk the worker is still
 * reading is waited for with `Atomics.wait`, bounded by WAIT_MS, after which this thread reads on
 * its own.
 */

/** Files from which a validation reads ahead (below, the worker's start costs more than it saves). */
const READ_AHEAD_FROM = 256;
/** Files per chunk. */
const CHUNK = 64;
/** Bytes of text the worker reads for one validation at most (the rest the checks read). */
const BUDGET = 64 * 1024 * 1024;
/** How long the checks wait for a chunk the worker is reading before reading on their own. */
const WAIT_MS = 2000;

/** A chunk's state in the shared array. */
export const FREE = 0;
export const WORKER = 1;
export const MAIN = 2;
export const POSTED = 3;

/** A job as posted to the worker. */
export interface ReadJob {
  root: string;
  files: readonly string[];
  chunk: number;
  budget: number;
  /** Int32 cells: one state per chunk, then the stop flag (1: the validation is over). */
  state: SharedArrayBuffer;
  port: MessagePort;
}

/** A chunk as the worker posts it back: one read per file, null where it gave up (too large). */
export interface ReadChunk {
  chunk: number;
  reads: (FileRead | null)[];
}

export class ReadAhead {
  private readonly index = new Map<string, number>();
  private readonly reads = new Map<number, FileRead>();
  private readonly delivered = new Set<number>();
  private readonly state: Int32Array;
  /** The index of the stop flag, after the chunks' states. */
  private readonly stop: number;
  /** The chunk the checks are in: reads of earlier chunks left untaken are dropped. */
  private current = 0;
  private stopped = false;

  private constructor(
    files: readonly string[],
    buffer: SharedArrayBuffer,
    private readonly port: MessagePort,
  ) {
    for (const [i, file] of files.entries()) if (!this.index.has(file)) this.index.set(file, i);
    this.state = new Int32Array(buffer);
    this.stop = this.state.length - 1;
  }

  /** Starts reading `files` on the worker; undefined when there are too few or no worker can run. */
  static start(workspace: Workspace, files: readonly string[]): ReadAhead | undefined {
    if (files.length < READ_AHEAD_FROM) return undefined;
    const [worker] = pool.acquire();
    if (!worker) return undefined;
    const buffer = new SharedArrayBuffer(4 * (Math.ceil(files.length / CHUNK) + 1));
    const { port1, port2 } = new MessageChannel();
    const job: ReadJob = {
      root: workspace.root,
      files,
      chunk: CHUNK,
      budget: BUDGET,
      state: buffer,
      port: port2,
    };
    worker.postMessage(job, [port2]);
    return new ReadAhead(files, buffer, port1);
  }

  /**
   * What the worker read of `file`, or undefined when this thread must read it: the file is not
   * one read ahead, its chunk is this thread's, the worker gave up on it, or it is late.
   */
  take(file: string): FileRead | undefined {
    if (this.stopped) return undefined;
    const i = this.index.get(file);
    if (i === undefined) return undefined;
    const chunk = Math.floor(i / CHUNK);
    if (chunk > this.current) this.moveTo(chunk);
    if (!this.delivered.has(chunk)) {
      const was = Atomics.compareExchange(this.state, chunk, FREE, MAIN);
      if (was === FREE || was === MAIN) return undefined;
      if (!this.receive(chunk)) {
        this.close();
        return undefined;
      }
    }
    const read = this.reads.get(i);
    this.reads.delete(i);
    return read;
  }

  /** Stops the worker's reading (the validation is over, or gave up on it) and drops what it read. */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    Atomics.store(this.state, this.stop, 1);
    this.port.close();
    this.reads.clear();
    pool.release();
  }

  /** The checks moved on to `chunk`: what they left of earlier chunks is dropped. */
  private moveTo(chunk: number): void {
    this.current = chunk;
    for (const i of this.reads.keys()) if (i < chunk * CHUNK) this.reads.delete(i);
  }

  /** Waits until the worker's chunk is here; false when it is late (WAIT_MS). */
  private receive(chunk: number): boolean {
    for (;;) {
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const { chunk: got, reads } = m.message as ReadChunk;
        this.delivered.add(got);
        if (got < this.current) continue;
        for (const [k, read] of reads.entries()) if (read) this.reads.set(got * CHUNK + k, read);
      }
      if (this.delivered.has(chunk)) return true;
      if (Atomics.wait(this.state, chunk, WORKER, WAIT_MS) === "timed-out") return false;
    }
  }
}

/** One worker (on two cores or more): the checks' thread reads too. */
const pool = new WorkerPool(new URL("./read-worker.js", import.meta.url), (cores) => Math.min(1, cores - 1));
