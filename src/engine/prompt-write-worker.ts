// The worker thread of prompt-writer.ts: writes a generation's prompt files in the order they
// come, counting each finished write in the job's shared cell; a failed write is reported and
// the next ones go on (the generation fails at its flush with the first error).

import { parentPort } from "node:worker_threads";
import { type PromptWrite, type WriterJob, type WriterReport, writeNow } from "./prompt-writer.js";

const port = parentPort;
if (!port) throw new Error("prompt-write-worker.js runs as a worker thread");

port.on("message", ({ port: job, done: cell }: WriterJob) => {
  const done = new Int32Array(cell);
  job.on("message", (message: PromptWrite | { flush: true }) => {
    if ("flush" in message) {
      job.postMessage({ flushed: true } satisfies WriterReport);
      return;
    }
    try {
      writeNow(message.file, message.text);
    } catch (error) {
      const { code, message: text } = error as NodeJS.ErrnoException;
      job.postMessage({ failed: { code, message: text } } satisfies WriterReport);
    }
    Atomics.add(done, 0, 1);
    Atomics.notify(done, 0);
  });
});
