import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect } from "vitest";
import { openEngine } from "../helpers/baton.js";
import { test as base } from "../helpers/fixtures.js";
import {
  type ItemsWorkflowOptions,
  itemsWorkspace,
  RESULT_HEADING,
  startIteration,
} from "../helpers/items.js";
import type { Started } from "../helpers/processes.js";
import { CLI, writeFiles } from "../helpers/temp.js";

// Several processes claim from one SQLite database at once: no assignment twice, none lost.

const WORKER = fileURLToPath(new URL("../fixtures/claim-worker.mjs", import.meta.url));
const WORKERS = 4;
const TARGETS = 40;

const test = base.extend<{ startWorker: (agent: string, mode?: "submit") => Started }>({
  startWorker: async ({ dir, spawnNode }, use) => {
    await use((agent, mode) => spawnNode([WORKER, dir, agent, ...(mode ? [mode] : [])]));
  },
});

/** A workspace of `count` items and the ids of the assignments of its first iteration (the store closed again). */
async function itemsRun(
  dir: string,
  name: string,
  count: number,
  options: ItemsWorkflowOptions,
): Promise<string[]> {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  writeFiles(dir, itemsWorkspace(name, count, { iteration: "build", goal: "Build every item", ...options }));
  const { engine, close } = openEngine(dir);
  try {
    return (await startIteration(engine, name)).assignments.map((a) => a.id);
  } finally {
    close();
  }
}

describe("claiming across processes", () => {
  test(`${WORKERS} processes claim ${TARGETS} assignments: each exactly once, none lost`, async ({
    dir,
    startWorker,
  }) => {
    const ids = await itemsRun(dir, "many-items", TARGETS, {
      description: "One developer instance per item",
    });
    expect(ids).toHaveLength(TARGETS);
    const workers = Array.from({ length: WORKERS }, (_, i) => startWorker(`worker-${i + 1}`));
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

describe("claiming and failing submissions across processes", () => {
  const SUBMITTERS = 5;
  const ITEMS = 60;
  test(`${SUBMITTERS} processes with failing submissions: one holder each, attempts within the maximum`, async ({
    dir,
    startWorker,
  }) => {
    const ids = await itemsRun(dir, "checked-items", ITEMS, {
      description: "One developer instance per item, checked on submission",
      settings: ["max_attempts: 1"],
      criteria: [RESULT_HEADING],
    });
    expect(ids).toHaveLength(ITEMS);
    const workers = Array.from({ length: SUBMITTERS }, (_, i) => startWorker(`worker-${i + 1}`, "submit"));
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
