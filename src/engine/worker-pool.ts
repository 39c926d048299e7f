import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** Workers are stopped after this long without a job (a counting worker's tokenizer holds ~40 MB). */
const IDLE_MS = 60_000;

/**
 * Worker threads of one compiled file, started on first use and stopped once no job has held them
 * for IDLE_MS. None run on one core or where the compiled file is absent (tests run the TypeScript
 * sources): callers then do the work on their own thread. Workers are unref'd (they never keep the
 * process alive) and their stdout is not the server's, so nothing a worker prints reaches the stdio
 * protocol. A worker that errors or exits leaves the pool; `onLost` lets the caller redo its share.
 */
export class WorkerPool {
  private workers: Worker[] = [];
  private jobs = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly file: string;

  constructor(
    file: URL,
    /** How many workers to start for the cores this machine has (the caller's thread is one more). */
    private readonly sizeFor: (cores: number) => number,
    private readonly options: {
      /** Every message any worker posts. */
      onMessage?: (message: unknown) => void;
      /** A running worker errored or exited (not one the pool stopped): once per worker. */
      onLost?: () => void;
      /** How long the pool stays up without a job (IDLE_MS). */
      idleMs?: number;
    } = {},
  ) {
    this.file = fileURLToPath(file);
  }

  /** The pool's workers, started if none run, held until `release`; empty when none can run. */
  acquire(): Worker[] {
    const workers = this.start();
    if (workers.length > 0) this.jobs++;
    return workers;
  }

  /** A job that `acquire`d the workers is over; once none holds them they stop after IDLE_MS. */
  release(): void {
    if (--this.jobs === 0) this.idleLater();
  }

  /** Starts the workers ahead of a job (their start and loading overlap other work); they stop if none comes. */
  warm(): void {
    this.start();
    if (this.jobs === 0) this.idleLater();
  }

  private start(): Worker[] {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.workers.length > 0) return this.workers;
    const size = this.sizeFor(os.availableParallelism());
    if (size < 1 || !existsSync(this.file)) return [];
    for (let i = 0; i < size; i++) {
      let worker: Worker;
      try {
        worker = new Worker(this.file, { stdout: true });
      } catch {
        break;
      }
      worker.unref();
      const { onMessage, onLost } = this.options;
      if (onMessage) worker.on("message", onMessage);
      const drop = () => {
        if (!this.workers.includes(worker)) return;
        this.workers = this.workers.filter((w) => w !== worker);
        onLost?.();
      };
      worker.on("error", drop);
      worker.on("exit", drop);
      this.workers.push(worker);
    }
    return this.workers;
  }

  private idleLater(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.jobs > 0) return;
      const stopping = this.workers;
      this.workers = [];
      for (const worker of stopping) void worker.terminate();
    }, this.options.idleMs ?? IDLE_MS);
    this.idleTimer.unref();
  }
}
