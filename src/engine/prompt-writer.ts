import { closeSync, openSync, writeSync } from "node:fs";
import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import { WorkerPool } from "./worker-pool.js";

/**
 * Writes a generation's prompt files on a worker thread while this thread renders and counts the
 * next prompts (#13.2): creating a thousand files is a third of generating them, and Node's own
 * asynchronous writes cost this thread about as much as writing synchronously. Writes go to the
 * worker in order, so a refit's second text of a file lands after its first. The worker counts the
 * files it finished in a shared cell, which this thread reads without waiting for its event loop
 * (prompts are rendered in one synchronous stretch): at most IN_FLIGHT prompts or IN_FLIGHT_CHARS
 * characters are on their way at once, and a prompt beyond that waits for the worker, bounded by
 * STALL_MS, after which the worker counts as lost. Until the worker has written a prompt this side
 * keeps its text, so whatever a lost worker left unwritten is written here, in order.
 */

/** Prompts on their way to the worker at most (the texts held stay bounded). */
const IN_FLIGHT = 1024;
const IN_FLIGHT_CHARS = 16 * 1024 * 1024;
/** How long a full queue waits for the worker to write one more prompt before writing here. */
const STALL_MS = 2000;

/** A write as posted to the worker. */
export interface PromptWrite {
  file: string;
  text: string;
}

/** What the worker posts back: a write that failed, or the answer to a flush. */
export type WriterReport = { failed: { code?: string; message: string } } | { flushed: true };

/** The job that opens a writer on the worker: its port and the cell counting the files written. */
export interface WriterJob {
  port: MessagePort;
  done: SharedArrayBuffer;
}

export class PromptWriter {
  /** Writes not yet known to be done, from the oldest: the worker does them in this order. */
  private readonly queue: PromptWrite[] = [];
  /** Writes posted in all, and those of them dropped from `queue` as done. */
  private posted = 0;
  private dropped = 0;
  private chars = 0;
  private failure: Error | undefined;
  private lost = false;
  private waiting: (() => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly done: Int32Array,
  ) {
    port.on("message", (report: WriterReport) => {
      if ("failed" in report) this.failure ??= failureOf(report.failed);
      else this.waiting?.();
    });
  }

  /** A writer on the pool's worker; undefined where no worker can run (then the caller writes itself). */
  static start(): PromptWriter | undefined {
    const [worker] = pool.acquire();
    if (!worker) return undefined;
    const { port1, port2 } = new MessageChannel();
    const done = new SharedArrayBuffer(4);
    worker.postMessage({ port: port2, done } satisfies WriterJob, [port2]);
    const writer = new PromptWriter(worker, port1, new Int32Array(done));
    writers.add(writer);
    return writer;
  }

  /** Writes `text` to `file` (created or replaced), on the worker unless it was lost. */
  write(file: string, text: string): void {
    this.dropDone();
    while (!this.lost && (this.queue.length >= IN_FLIGHT || this.chars >= IN_FLIGHT_CHARS)) this.waitForOne();
    if (this.lost) {
      this.writeHere({ file, text });
      return;
    }
    this.queue.push({ file, text });
    this.chars += text.length;
    this.posted++;
    this.port.postMessage({ file, text } satisfies PromptWrite);
  }

  /**
   * Waits until every write is done, then lets the worker go; throws the first write's error.
   * A writer is done after its flush: a later write needs a new one.
   */
  async flush(): Promise<void> {
    if (!this.lost) {
      const answered = new Promise<void>((resolve) => (this.waiting = resolve));
      this.port.postMessage({ flush: true });
      await answered;
    }
    this.waiting = undefined;
    this.dropDone();
    this.close();
    if (this.failure) throw this.failure;
  }

  /** The worker was lost (the pool saw it go, or it stalled): what it did not write is written here, and so is everything after. */
  lose(): void {
    if (this.lost) return;
    this.lost = true;
    this.dropDone();
    for (const write of this.queue.splice(0)) this.writeHere(write);
    this.chars = 0;
    this.waiting?.();
  }

  private writeHere(write: PromptWrite): void {
    try {
      writeNow(write.file, write.text);
    } catch (error) {
      this.failure ??= error as Error;
    }
  }

  /** Forgets the texts the worker has written. */
  private dropDone(): void {
    const done = Math.min(Atomics.load(this.done, 0), this.posted);
    if (done === this.dropped) return;
    for (const write of this.queue.splice(0, done - this.dropped)) this.chars -= write.text.length;
    this.dropped = done;
  }

  /** Blocks until the worker finishes one more write; a worker silent for STALL_MS is lost. */
  private waitForOne(): void {
    const seen = Atomics.load(this.done, 0);
    if (seen === this.dropped && Atomics.wait(this.done, 0, seen, STALL_MS) === "timed-out") {
      // Stopped, so that it cannot write a file after this thread moved on.
      void this.worker.terminate();
      this.lose();
      return;
    }
    this.dropDone();
  }

  private close(): void {
    if (!writers.delete(this)) return;
    this.port.close();
    pool.release();
  }
}

/** Creates or replaces `file` with `text`, here and now. */
export function writeNow(file: string, text: string): void {
  const fd = openSync(file, "w");
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/** The error a failed write on the worker reported, with its code (ENOENT, ENOSPC…) kept. */
function failureOf({ code, message }: { code?: string; message: string }): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

const writers = new Set<PromptWriter>();

/** One worker (on two cores or more): this thread renders while it writes. */
const pool = new WorkerPool(
  new URL("./prompt-write-worker.js", import.meta.url),
  (cores) => Math.min(1, cores - 1),
  {
    onLost: () => {
      for (const writer of writers) writer.lose();
    },
  },
);
