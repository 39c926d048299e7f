import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { expect } from "vitest";
import { WorkerPool } from "../../src/engine/worker-pool.js";
import { test } from "../helpers/fixtures.js";

// The pool behind generate's counting workers and validate's read-ahead: real threads running a
// small echo worker (the engine's own workers are covered on the built modules in test/e2e).

const ECHO = `import { parentPort } from "node:worker_threads";
parentPort.on("message", (m) => {
  if (m === "die") process.exit(3);
  if (m === "throw") throw new Error("worker failed");
  parentPort.postMessage(m);
});
`;

function echoFile(dir: string): URL {
  const file = path.join(dir, "echo-worker.mjs");
  writeFileSync(file, ECHO);
  return pathToFileURL(file);
}

const exited = (worker: Worker) => new Promise<number>((resolve) => worker.once("exit", resolve));

test("starts the workers its size asks for once, routes their messages, and reuses them while held", async ({
  dir,
}) => {
  const messages: unknown[] = [];
  const pool = new WorkerPool(echoFile(dir), (cores) => Math.min(2, cores), {
    onMessage: (m) => messages.push(m),
  });
  const workers = pool.acquire();
  expect(workers).toHaveLength(Math.min(2, os.availableParallelism()));
  expect(pool.acquire()).toBe(workers);
  const echoed = new Promise<void>((resolve) => workers[0]?.once("message", () => resolve()));
  workers[0]?.postMessage("hello");
  await echoed;
  expect(messages).toEqual(["hello"]);
  pool.release();
  pool.release();
  await Promise.all(workers.map((w) => w.terminate()));
});

test("none run where the compiled file is absent or the size is zero: the caller works alone", ({ dir }) => {
  expect(new WorkerPool(pathToFileURL(path.join(dir, "missing.js")), () => 2).acquire()).toEqual([]);
  expect(new WorkerPool(echoFile(dir), () => 0).acquire()).toEqual([]);
});

test("stops its workers once no job holds them, and starts new ones for the next job", async ({ dir }) => {
  const pool = new WorkerPool(echoFile(dir), () => 1, { idleMs: 0 });
  const [first] = pool.acquire();
  if (!first) throw new Error("no worker started");
  const stopped = exited(first);
  pool.release();
  await stopped;
  const [second] = pool.acquire();
  expect(second).toBeDefined();
  expect(second).not.toBe(first);
  pool.release();
  if (second) await exited(second);
});

test("a worker that dies leaves the pool and tells the caller once, so its share is redone", async ({
  dir,
}) => {
  let lost = 0;
  const pool = new WorkerPool(echoFile(dir), () => 1, { onLost: () => lost++ });
  const [worker] = pool.acquire();
  if (!worker) throw new Error("no worker started");
  const died = exited(worker);
  worker.postMessage("die");
  expect(await died).toBe(3);
  expect(lost).toBe(1);
  const [next] = pool.acquire();
  expect(next).toBeDefined();
  expect(next).not.toBe(worker);
  pool.release();
  pool.release();
  await next?.terminate();
});

test("a worker that throws (an error, then its exit) is reported once as well", async ({ dir }) => {
  let lost = 0;
  const pool = new WorkerPool(echoFile(dir), () => 1, { onLost: () => lost++ });
  const [worker] = pool.acquire();
  if (!worker) throw new Error("no worker started");
  const errored = new Promise<void>((resolve) => worker.once("error", () => resolve()));
  const died = exited(worker);
  worker.postMessage("throw");
  await errored;
  await died;
  expect(lost).toBe(1);
  pool.release();
});
