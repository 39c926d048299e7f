import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIteration } from "../../src/engine/create-iteration.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { openEngine } from "../helpers/baton.js";
import { CLI, tempDir, writeFiles } from "../helpers/temp.js";

// Several processes claim from one SQLite database at once: no assignment twice, none lost.

const WORKER = fileURLToPath(new URL("../fixtures/claim-worker.mjs", import.meta.url));
const WORKERS = 4;
const TARGETS = 40;

const WORKFLOW = `workflow:
  name: many-items
  description: One developer instance per item
  iterations:
    - name: build
      goal: Build every item
      agents:
        - role: developer
          targets: ["items/*.md"]
          deliverables: ["out/{item_id}.md"]
agent_roles:
  developer: { complexity_threshold: 1 }
`;

interface Worker {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startWorker(dir: string, agent: string, mode?: "submit"): Worker {
  const args = [WORKER, dir, agent, ...(mode ? [mode] : [])];
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith("ready\n")) signalReady();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      signalReady(); // a worker that died before "ready" must not hang the test; its exit code fails it
      resolve({ code, stdout, stderr });
    });
  });
  return { child, ready, done };
}

describe("claiming across processes", () => {
  let dir: string;
  let cleanup: () => void;
  let ids: string[];

  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    ({ dir, cleanup } = tempDir());
    const items: Record<string, string> = { ".baton/workflows/many-items.yaml": WORKFLOW };
    for (let i = 1; i <= TARGETS; i++) items[`items/item-${String(i).padStart(2, "0")}.md`] = `# Item ${i}\n`;
    writeFiles(dir, items);
    const { engine, close } = openEngine(dir);
    try {
      const created = await createIteration(engine, { workflow: "many-items" });
      const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
      ids = generated.assignments.map((a) => a.id);
    } finally {
      close();
    }
  });
  afterAll(() => cleanup?.());

  it(`${WORKERS} processes claim ${TARGETS} assignments: each exactly once, none lost`, async () => {
    expect(ids).toHaveLength(TARGETS);
    const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(dir, `worker-${i + 1}`));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.end("go\n");
    const results = await Promise.all(workers.map((w) => w.done));

    const claimedBy = new Map<string, string[]>();
    for (const [i, r] of results.entries()) {
      expect(r.code, `worker-${i + 1} failed: ${r.stderr}`).toBe(0);
      const last = r.stdout.trim().split("\n").at(-1) as string;
      const { agent, claimed } = JSON.parse(last) as { agent: string; claimed: string[] };
      expect(agent).toBe(`worker-${i + 1}`);
      for (const id of claimed) claimedBy.set(id, [...(claimedBy.get(id) ?? []), agent]);
    }
    const twice = [...claimedBy].filter(([, agents]) => agents.length > 1);
    expect(twice, "claimed more than once").toEqual([]);
    expect([...claimedBy.keys()].sort()).toEqual([...ids].sort());

    // The database agrees with what the workers saw.
    const { store, close } = openEngine(dir);
    try {
      const iterationId = store.listIterations()[0]?.id as string;
      const rows = store.listAssignments(iterationId);
      expect(rows.every((a) => a.state === "claimed")).toBe(true);
      for (const a of rows) expect(claimedBy.get(a.id)).toEqual([a.agent]);
      expect(store.listEvents().filter((e) => e.kind === "claimed")).toHaveLength(TARGETS);
    } finally {
      close();
    }
  });
});

const CHECKED = `workflow:
  name: checked-items
  description: One developer instance per item, checked on submission
  max_attempts: 1
  iterations:
    - name: build
      goal: Build every item
      agents:
        - role: developer
          targets: ["items/*.md"]
          deliverables: ["out/{item_id}.md"]
      completion_criteria:
        - { check: headings, deliverable: "out/{item_id}.md", headings: ["Result"] }
agent_roles:
  developer: { complexity_threshold: 1 }
`;

describe("claiming and failing submissions across processes", () => {
  const SUBMITTERS = 5;
  const ITEMS = 60;
  let dir: string;
  let cleanup: () => void;
  let ids: string[];

  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    ({ dir, cleanup } = tempDir());
    const items: Record<string, string> = { ".baton/workflows/checked-items.yaml": CHECKED };
    for (let i = 1; i <= ITEMS; i++) items[`items/item-${String(i).padStart(2, "0")}.md`] = `# Item ${i}\n`;
    writeFiles(dir, items);
    const { engine, close } = openEngine(dir);
    try {
      const created = await createIteration(engine, { workflow: "checked-items" });
      const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
      ids = generated.assignments.map((a) => a.id);
    } finally {
      close();
    }
  });
  afterAll(() => cleanup?.());

  it(`${SUBMITTERS} processes with failing submissions: one holder each, attempts within the maximum`, async () => {
    expect(ids).toHaveLength(ITEMS);
    const workers = Array.from({ length: SUBMITTERS }, (_, i) =>
      startWorker(dir, `worker-${i + 1}`, "submit"),
    );
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.end("go\n");
    const results = await Promise.all(workers.map((w) => w.done));

    const claimedBy = new Map<string, string[]>();
    const submissions = new Map<string, number>();
    for (const [i, r] of results.entries()) {
      expect(r.code, `worker-${i + 1} failed: ${r.stderr}`).toBe(0);
      const last = r.stdout.trim().split("\n").at(-1) as string;
      const out = JSON.parse(last) as { agent: string; claimed: string[]; submissions: { id: string }[] };
      for (const id of out.claimed) claimedBy.set(id, [...(claimedBy.get(id) ?? []), out.agent]);
      for (const s of out.submissions) submissions.set(s.id, (submissions.get(s.id) ?? 0) + 1);
    }
    // A failed submission goes back to its holder, never through pending: nobody else claims it.
    const twice = [...claimedBy].filter(([, agents]) => agents.length > 1);
    expect(twice, "claimed by more than one process").toEqual([]);
    expect([...claimedBy.keys()].sort()).toEqual([...ids].sort());
    // max_attempts 1: the first try and one rework, never more.
    expect(Math.max(...submissions.values())).toBeLessThanOrEqual(2);

    const { store, close } = openEngine(dir);
    try {
      const iterationId = store.listIterations()[0]?.id as string;
      const rows = store.listAssignments(iterationId);
      for (const a of rows) {
        const n = Number(a.local_id.match(/(\d+)$/)?.[1]);
        expect({ id: a.id, state: a.state }).toEqual({ id: a.id, state: n % 10 === 0 ? "failed" : "passed" });
        expect(a.attempts).toBeLessThanOrEqual(2);
        expect(a.agent).toEqual(claimedBy.get(a.id)?.[0]);
        // The files are the holder's own: no second claimer overwrote them.
        const file = readFileSync(path.join(dir, a.deliverables[0] as string), "utf8");
        expect(file.startsWith(`# ${a.agent}\n`)).toBe(true);
      }
      expect(store.listEvents().filter((e) => e.kind === "claimed")).toHaveLength(ITEMS);
    } finally {
      close();
    }
  });
});
