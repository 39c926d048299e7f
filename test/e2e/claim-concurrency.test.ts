import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
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

function startWorker(dir: string, agent: string): Worker {
  const child = spawn(process.execPath, [WORKER, dir, agent], { stdio: ["pipe", "pipe", "pipe"] });
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
