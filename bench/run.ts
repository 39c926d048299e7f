// `npm run bench`: every performance target of docs/design.md §9, each measured against its floor in the same run.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Workspace } from "../src/config/workspace.js";
import { createIteration } from "../src/engine/create-iteration.js";
import { createEngine } from "../src/engine/engine.js";
import { generatePrompts } from "../src/engine/generate.js";
import { getStatus } from "../src/engine/status.js";
import { loadTokenizer } from "../src/engine/tokens.js";
import { validateIteration } from "../src/engine/validation.js";
import { defaultStoreFile, openStore } from "../src/store/index.js";
import { writeBenchWorkflow, writeDeliverables, writeStories } from "./fixtures.js";
import { scaleRows } from "./scale.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = path.join(ROOT, "dist", "cli.js");
const BARE = fileURLToPath(new URL("./bare-server.js", import.meta.url));
const N = Number(process.env.BENCH_N ?? 10_000);

interface Row {
  what: string;
  measured: string;
  floor: string;
  target: string;
  ok: boolean;
}
const rows: Row[] = [];
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "baton-bench-"));
}

async function connect(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ client: Client; ms: number; pid: number }> {
  const transport = new StdioClientTransport({ command, args, cwd, stderr: "ignore" });
  const client = new Client({ name: "bench", version: "0" });
  const start = performance.now();
  await client.connect(transport);
  return { client, ms: performance.now() - start, pid: transport.pid ?? 0 };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function startup(): Promise<void> {
  const dir = tempDir();
  const baton: number[] = [];
  const bare: number[] = [];
  let rss = 0;
  for (let i = 0; i < 5; i++) {
    const b = await connect(process.execPath, [BARE], dir);
    bare.push(b.ms);
    await b.client.close();
    const s = await connect(process.execPath, [CLI, "-w", dir, "serve"], dir);
    baton.push(s.ms);
    if (i === 0) {
      rss = rssMb(s.pid);
      const listed = await s.client.listTools();
      const count = await loadTokenizer();
      const tokens = count(JSON.stringify(listed.tools));
      rows.push({
        what: "tools/list size",
        measured: `${tokens} tokens`,
        floor: "-",
        target: "<= 3,000 tokens",
        ok: tokens <= 3000,
      });
      const calls: number[] = [];
      for (let c = 0; c < 200; c++) {
        const t = performance.now();
        await s.client.callTool({ name: "get_status", arguments: {} });
        calls.push(performance.now() - t);
      }
      rows.push({
        what: "cheap tool call over stdio (get_status, median of 200)",
        measured: ms(median(calls)),
        floor: "-",
        target: "<= 2 ms",
        ok: median(calls) <= 2,
      });
    }
    await s.client.close();
  }
  const ratio = median(baton) / median(bare);
  rows.push({
    what: "cold start to initialize answered (median of 5)",
    measured: ms(median(baton)),
    floor: `${ms(median(bare))} bare SDK server`,
    target: "<= 1.5x floor",
    ok: ratio <= 1.5,
  });
  rows.push({
    what: "RSS after start",
    measured: `${rss.toFixed(0)} MB`,
    floor: "-",
    target: "<= 100 MB",
    ok: rss <= 100,
  });
  rmSync(dir, { recursive: true, force: true });
}

async function generateAndValidate(): Promise<void> {
  const dir = tempDir();
  const files = writeStories(dir, N, 1024);
  writeBenchWorkflow(dir, 10);
  const count = await loadTokenizer();
  let t = performance.now();
  for (const f of files) count(readFileSync(f, "utf8"));
  const floorGenerate = performance.now() - t;

  const store = openStore(defaultStoreFile(dir));
  const engine = createEngine({ workspace: new Workspace(dir), store });
  t = performance.now();
  const created = await createIteration(engine, { workflow: "bench" });
  const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
  const generate = performance.now() - t;
  rows.push({
    what: `generate prompts, ${N} targets of 1 KB (${generated.totals.assignments} prompts)`,
    measured: ms(generate),
    floor: `${ms(floorGenerate)} read + tokenize`,
    target: "<= 1.5x floor",
    ok: generate / floorGenerate <= 1.5,
  });

  const deliverables = writeDeliverables(dir, N);
  t = performance.now();
  for (const f of deliverables) readFileSync(f, "utf8");
  const floorValidate = performance.now() - t;
  t = performance.now();
  const report = await validateIteration(engine, { iteration_id: created.iteration_id });
  const validate = performance.now() - t;
  rows.push({
    what: `validate ${N} deliverables (${report.counts.passed} checks passed, ${report.counts.failed} failed)`,
    measured: ms(validate),
    floor: `${ms(floorValidate)} read`,
    target: "<= 2x floor",
    ok: validate / floorValidate <= 2,
  });
  store.close();
  rmSync(dir, { recursive: true, force: true });
}

async function status(): Promise<void> {
  const dir = tempDir();
  writeStories(dir, N, 200);
  writeBenchWorkflow(dir, 1);
  const store = openStore(defaultStoreFile(dir));
  const engine = createEngine({ workspace: new Workspace(dir), store });
  const created = await createIteration(engine, { workflow: "bench" });
  const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
  getStatus(engine, { run_id: created.run_id });
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    getStatus(engine, { run_id: created.run_id });
    times.push(performance.now() - t);
  }
  rows.push({
    what: `get_status on a ${generated.totals.assignments}-assignment run (median of 5)`,
    measured: ms(median(times)),
    floor: "-",
    target: "<= 50 ms",
    ok: median(times) <= 50,
  });
  store.close();
  rmSync(dir, { recursive: true, force: true });
}

await startup();
await generateAndValidate();
await status();
// --scale adds the 100k sizes (minutes, not run by npm test).
rows.push(...(await scaleRows(process.argv.includes("--scale"))));
const header = ["what", "measured", "floor", "target", "ok"];
const table = [header, ...rows.map((r) => [r.what, r.measured, r.floor, r.target, r.ok ? "yes" : "NO"])];
const widths = header.map((_, i) => Math.max(...table.map((r) => (r[i] ?? "").length)));
for (const [i, r] of table.entries()) {
  console.log(`| ${r.map((c, j) => c.padEnd(widths[j] ?? 0)).join(" | ")} |`);
  if (i === 0) console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
}
console.log(
  `\n${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`,
);
