import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { MessageChannel, Worker } from "node:worker_threads";
import { expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { REPO_ROOT, writeFiles } from "../helpers/temp.js";

// Validation's read-ahead (#13.4), on the built modules: the worker runs a compiled file, which
// the TypeScript sources under test do not have. Whichever thread reads a deliverable, every
// check must come out as when the checks read each file themselves, the symlink guard included.

type Runner = typeof import("../../src/engine/validate/runner.js");
type ReadAheads = typeof import("../../src/engine/validate/read-ahead.js");
type Files = typeof import("../../src/engine/validate/files.js");
type Workspaces = typeof import("../../src/config/workspace.js");
type ReadChunk = import("../../src/engine/validate/read-ahead.js").ReadChunk;
type ReadJob = import("../../src/engine/validate/read-ahead.js").ReadJob;

async function builtModule<T>(file: string): Promise<T> {
  const absolute = path.join(REPO_ROOT, "dist", file);
  expect(existsSync(absolute), `${absolute} is missing: run npm run build`).toBe(true);
  return (await import(pathToFileURL(absolute).href)) as T;
}

const WORKER_FILE = path.join(REPO_ROOT, "dist", "engine", "validate", "read-worker.js");
/** Files per chunk in the jobs these tests post to a worker themselves. */
const CHUNK = 64;

/** Posts one job to `worker`; `chunks` fills as the worker posts, `chunk(n)` waits for one. */
function workerJob(
  worker: Worker,
  job: { root: string; files: string[]; budget: number; state: Int32Array },
): { chunks: Map<number, ReadChunk["reads"]>; chunk: (n: number) => Promise<void>; all: Promise<void> } {
  const { port1, port2 } = new MessageChannel();
  const total = Math.ceil(job.files.length / CHUNK);
  const chunks = new Map<number, ReadChunk["reads"]>();
  const waiting = new Map<number, () => void>();
  let everything: () => void = () => {};
  port1.on("message", (m: ReadChunk) => {
    chunks.set(m.chunk, m.reads);
    waiting.get(m.chunk)?.();
    if (chunks.size === total) everything();
  });
  const message: ReadJob = {
    root: job.root,
    files: job.files,
    chunk: CHUNK,
    budget: job.budget,
    state: job.state.buffer as SharedArrayBuffer,
    port: port2,
  };
  worker.postMessage(message, [port2]);
  return {
    chunks,
    chunk: (n) =>
      chunks.has(n) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(n, resolve)),
    all: new Promise<void>((resolve) => {
      everything = () => {
        port1.close();
        resolve();
      };
    }),
  };
}

async function built(): Promise<{
  runChecks: Runner["runChecks"];
  ReadAhead: ReadAheads["ReadAhead"];
  Workspace: Workspaces["Workspace"];
}> {
  return {
    runChecks: (await builtModule<Runner>("engine/validate/runner.js")).runChecks,
    ReadAhead: (await builtModule<ReadAheads>("engine/validate/read-ahead.js")).ReadAhead,
    Workspace: (await builtModule<Workspaces>("config/workspace.js")).Workspace,
  };
}

const SUMMARY = `# Out\n\n## Summary\n\n${"Written by the agent for this story. ".repeat(8)}\n`;

/**
 * 700 deliverables of every kind a check can meet: passing and failing Markdown, files missing,
 * folders in their place, a link out of the workspace and one inside it, files larger than one
 * read (the worker leaves those), a BOM, invalid JSON and a FIFO.
 */
function deliverables(dir: string, outside: string): string[] {
  const files: Record<string, string> = {};
  const paths: string[] = [];
  for (let i = 0; i < 700; i++) {
    const file = i % 17 === 0 ? `out/${i}.json` : `out/${i}.md`;
    paths.push(file);
    if (i % 7 === 0 || file === "out/5.md" || file === "out/6.md" || file === "out/9.md") continue;
    if (i % 11 === 0) files[`${file}/inner.md`] = SUMMARY;
    else if (i % 17 === 0) files[file] = i % 2 === 0 ? `{"ok": ${i}}` : `{"ok": ${i}`;
    else if (i % 13 === 0) files[file] = `${SUMMARY}${"long line of text\n".repeat(5000)}`;
    else if (i === 8) files[file] = `\uFEFF${SUMMARY}`;
    else files[file] = i % 3 === 0 ? SUMMARY.replace("Summary", "Overview") : SUMMARY;
  }
  writeFiles(dir, files);
  writeFiles(outside, { "secret.md": SUMMARY });
  symlinkSync(path.join(outside, "secret.md"), path.join(dir, "out", "5.md"));
  symlinkSync(path.join(dir, "out", "1.md"), path.join(dir, "out", "6.md"));
  mkdirSync(path.join(dir, "out"), { recursive: true });
  execFileSync("mkfifo", [path.join(dir, "out", "9.md")]);
  return paths;
}

/** A job's shared state: one cell per chunk of `files`, then the stop flag. */
const stateFor = (files: readonly string[]) =>
  new Int32Array(new SharedArrayBuffer(4 * (Math.ceil(files.length / CHUNK) + 1)));

test.skipIf(!existsSync("/proc/self/fd") || !existsSync("/usr/bin/mkfifo"))(
  "the worker reads each file as the checks would, through the same guard",
  async ({ dir, outside }) => {
    const { Workspace } = await built();
    const { readFacts } = await builtModule<Files>("engine/validate/files.js");
    const { POSTED } = await builtModule<ReadAheads>("engine/validate/read-ahead.js");
    const files = deliverables(dir, outside);
    const chunks = Math.ceil(files.length / CHUNK);
    const state = stateFor(files);
    const worker = new Worker(WORKER_FILE);
    try {
      const job = workerJob(worker, { root: dir, files, budget: 1 << 30, state });
      await job.all;
      const workspace = new Workspace(dir);
      for (const [i, file] of files.entries()) {
        const read = job.chunks.get(Math.floor(i / CHUNK))?.[i % CHUNK];
        expect(read ?? undefined, file).toEqual(readFacts(workspace, file, "first-read"));
      }
      expect(job.chunks.get(0)?.[5]?.problem).toContain("leaves the workspace through a symbolic link");
      expect(job.chunks.get(0)?.[9]?.problem).toContain("is not a regular file");
      expect(job.chunks.get(0)?.[26] ?? null, "larger than one read: left to the checks").toBeNull();
      for (let c = 0; c < chunks; c++) expect(state[c]).toBe(POSTED);
    } finally {
      await worker.terminate();
    }
  },
);

test("the worker reads from the last chunk back and stops where the checks are, at its budget, or when told", async ({
  dir,
  outside,
}) => {
  const { MAIN, FREE } = await builtModule<ReadAheads>("engine/validate/read-ahead.js");
  const files = deliverables(dir, outside).filter((f) => !f.endsWith("/9.md"));
  const chunks = Math.ceil(files.length / CHUNK);
  const worker = new Worker(WORKER_FILE);
  try {
    // The checks hold chunks 0 to 4: the worker reads 10 down to 5.
    const met = stateFor(files);
    for (let c = 0; c <= 4; c++) met[c] = MAIN;
    const first = workerJob(worker, { root: dir, files, budget: 1 << 30, state: met });
    await first.chunk(5);
    expect([...first.chunks.keys()]).toEqual([10, 9, 8, 7, 6, 5].filter((c) => c < chunks));
    // One byte of budget: the last chunk only.
    const spent = stateFor(files);
    const second = workerJob(worker, { root: dir, files, budget: 1, state: spent });
    await second.chunk(chunks - 1);
    // Stopped before it began: nothing read, and the next job still runs.
    const stopped = stateFor(files);
    stopped[chunks] = 1;
    workerJob(worker, { root: dir, files, budget: 1 << 30, state: stopped });
    const fourth = workerJob(worker, { root: dir, files, budget: 1 << 30, state: stateFor(files) });
    await fourth.all;
    expect([...second.chunks.keys()]).toEqual([chunks - 1]);
    expect(spent[chunks - 2]).toBe(FREE);
    expect([...stopped.slice(0, chunks)].every((c) => c === FREE)).toBe(true);
    expect(fourth.chunks.size).toBe(chunks);
  } finally {
    await worker.terminate();
  }
});

test.skipIf(!existsSync("/proc/self/fd") || !existsSync("/usr/bin/mkfifo"))(
  "checks with a read-ahead come out as checks that read every file themselves",
  async ({ dir, outside }) => {
    const { runChecks, ReadAhead, Workspace } = await built();
    const workspace = new Workspace(dir);
    const files = deliverables(dir, outside);
    const checks = files
      .filter((f) => f.endsWith(".md"))
      .map((file) => ({ check: "headings" as const, deliverable: "out/*.md", headings: ["Summary"], file }));
    const context = {
      workspace,
      declaredDeliverables: new Set(files),
      scopeIgnore: [],
      allowCommands: false,
    };
    const alone = await runChecks(checks, files, context);
    for (let round = 0; round < 2; round++) {
      const readAhead = ReadAhead.start(workspace, files);
      expect(readAhead, "700 files are read ahead").toBeDefined();
      const ahead = await runChecks(checks, files, { ...context, readAhead });
      readAhead?.close();
      expect(ahead).toEqual(alone);
    }
    const on = (file: string) => alone.filter((r) => r.file === file && r.status === "failed");
    expect(on("out/5.md")[0]?.reason).toContain("leaves the workspace through a symbolic link");
    expect(on("out/6.md")).toEqual([]);
    expect(on("out/9.md")[0]?.reason).toContain("not a regular file");
    expect(on("out/8.md")).toEqual([]);
    expect(on("out/26.md")).toEqual([]);
    expect(on("out/22.md")[0]?.reason).toContain("is a directory");
    expect(on("out/14.md")[0]?.reason).toContain("does not exist");
    expect(on("out/3.md")[0]?.check).toBe("headings");
    expect(on("out/51.json").map((r) => r.check)).toContain("implicit:format");
  },
);
