import { rmSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import type { EngineContext } from "../../src/engine/engine.js";
import { type AssignmentStatus, getStatus, type StatusReport } from "../../src/engine/status.js";
import type { Store } from "../../src/store/api.js";
import { statusNext } from "../../src/tools/hints.js";
import type { TestClock } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { itemsWorkspace, startIteration } from "../helpers/items.js";
import { callOk } from "../helpers/mcp.js";
import { writeFiles } from "../helpers/temp.js";

// get_status cuts each iteration to its share of rows. It reads in full only the assignments that
// can differ from "pending, nothing written" (#13.1), so its result is checked here against the
// plain rule applied to every assignment: counts per state, the rows needing attention first,
// progress over all, and next[] from all (stalled ones, pending ones, whether all is written).

const ORDER = { claimed: 0, submitted: 1, failed: 2, pending: 3, passed: 4 } as const;

/** The rule, over the full report: per iteration its share of `rows`, attention first. */
function cutByRule(report: StatusReport, rows: number) {
  const iterations = report.runs.reduce((n, run) => n + run.iterations.length, 0);
  const per = Math.max(1, Math.floor(rows / Math.max(1, iterations)));
  const runs = report.runs.map((run) => ({
    ...run,
    iterations: run.iterations.map((it) => {
      if (it.assignments.length <= per) return it;
      const counts: Partial<Record<AssignmentStatus["state"], number>> = {};
      for (const a of it.assignments) counts[a.state] = (counts[a.state] ?? 0) + 1;
      const first = [...it.assignments]
        .sort((a, b) => Number(b.stalled) - Number(a.stalled) || ORDER[a.state] - ORDER[b.state])
        .slice(0, per);
      return {
        ...it,
        assignments: first,
        assignment_counts: counts,
        assignments_omitted: it.assignments.length - first.length,
      };
    }),
  }));
  return { runs, next: statusNext(report.runs, () => []) };
}

/** 40 items in every state a status call sees: stalled, writing, handed in, passed, failed, written early, deleted. */
async function busyRun(engine: EngineContext, store: Store, clock: TestClock, dir: string) {
  const { runId, iterationId } = await startIteration(engine, "items");
  const id = (n: number) => `${iterationId}/developer-${String(n).padStart(2, "0")}`;
  for (let i = 0; i < 3; i++) store.claimNext({ agent: "a", iteration_id: iterationId, leaseMs: 86_400_000 });
  writeFiles(dir, { "out/item-02.md": "x".repeat(100), "out/item-31.md": "y".repeat(50) });
  getStatus(engine, { run_id: runId }); // the first look records what exists
  clock.advanceMinutes(60); // the claimed ones wrote nothing since: stalled
  rmSync(path.join(dir, "out/item-31.md"));
  store.markSubmitted(id(10), undefined);
  store.setAssignmentState(id(20), "passed");
  store.setAssignmentState(id(21), "failed", { attempts: 1 });
  writeFiles(dir, { "out/item-10.md": "z".repeat(40), "out/item-30.md": "w".repeat(500) });
  return { runId, iterationId };
}

describe("get_status within its row budget", () => {
  test.override({ files: itemsWorkspace("items", 40) });

  test("equals the rule applied to every assignment, whichever is read first", async ({
    baton,
    clock,
    dir,
  }) => {
    const { runId } = await busyRun(baton.engine, baton.store, clock, dir);
    for (const rows of [8, 3, 100]) {
      const { attention, ...cut } = getStatus(baton.engine, { run_id: runId, rows });
      const next = statusNext(cut.runs, () => [], attention);
      const full = getStatus(baton.engine, { run_id: runId });
      expect({ ...cut, next }).toEqual(cutByRule(full, rows));
      clock.advanceMinutes(1);
    }
    const it = getStatus(baton.engine, { run_id: runId, rows: 8 }).runs[0]?.iterations[0];
    expect(it?.assignments.map((a) => [a.id.split("/")[1], a.state, a.stalled])).toEqual([
      ["developer-01", "claimed", true],
      ["developer-02", "claimed", true],
      ["developer-03", "claimed", true],
      ["developer-10", "submitted", false],
      ["developer-21", "failed", false],
      ["developer-04", "pending", false],
      ["developer-05", "pending", false],
      ["developer-06", "pending", false],
    ]);
    expect(it?.assignment_counts).toEqual({ claimed: 3, pending: 34, submitted: 1, passed: 1, failed: 1 });
    expect(it?.progress).toBeGreaterThan(0);
  });

  test("get_status {run_id} over MCP is that cut of the full report", async ({ baton, clock, dir, mcp }) => {
    const { runId } = await busyRun(baton.engine, baton.store, clock, dir);
    const result = await callOk(mcp, "get_status", { run_id: runId });
    const expected = cutByRule(getStatus(baton.engine, { run_id: runId }), 100);
    expect(result).toEqual(JSON.parse(JSON.stringify(expected)));
    expect((result.next as string[]).join("\n")).toMatch(/stalled assignment\(s\) .*developer-01/);
  });
});

describe("get_status where a missing file may count as done (min_bytes 0)", () => {
  test.override({
    files: itemsWorkspace("items", 40, {
      criteria: ['{ check: min_bytes, deliverable: "out/{item_id}.md", bytes: 0 }'],
    }),
  });

  test("reads every assignment and cuts by the same rule", async ({ baton, clock, dir }) => {
    const { runId } = await busyRun(baton.engine, baton.store, clock, dir);
    const { attention, ...cut } = getStatus(baton.engine, { run_id: runId, rows: 8 });
    const full = getStatus(baton.engine, { run_id: runId });
    expect({ ...cut, next: statusNext(cut.runs, () => [], attention) }).toEqual(cutByRule(full, 8));
    expect(cut.runs[0]?.iterations[0]?.progress).toBe(full.runs[0]?.iterations[0]?.progress);
  });
});
