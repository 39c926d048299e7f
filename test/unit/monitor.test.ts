import { describe, expect } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { LiveMonitor, type MonitorEvent, observeIteration } from "../../src/engine/monitor.js";
import { orchestrate } from "../../src/engine/orchestrate.js";
import { workflowStarts } from "../../src/engine/queries.js";
import { resolveIteration } from "../../src/engine/resolve.js";
import { runProgress } from "../../src/engine/run-progress.js";
import { type AssignmentStatus, getStatus } from "../../src/engine/status.js";
import { validateIteration } from "../../src/engine/validation.js";
import type { Store } from "../../src/store/api.js";
import { afterStatus, afterValidate } from "../../src/tools/hints.js";
import { type TestClock, textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { BATCH_INPUT, itemsWorkspace, REVIEW_ITERATION } from "../helpers/items.js";
import { writeFiles } from "../helpers/temp.js";

// Progress, expected sizes, stalls and completion from real files and a store whose clock the test moves.

test.override({
  files: itemsWorkspace("monitor-demo", ["a", "b"], {
    description: "Two items per batch, then a review",
    settings: ["stall_minutes: 5", ...BATCH_INPUT],
    deliverable: "out/{batch}/{item_id}.md",
    criteria: [`{ check: min_bytes, deliverable: "out/{batch}/{item_id}.md", bytes: 400 }`],
    after: REVIEW_ITERATION,
  }),
});

let dir: string;
let clock: TestClock;
let engine: EngineContext;
let store: Store;

// The fixtures of each test, for the helpers below.
test.beforeEach(({ dir: workspace, clock: testClock, baton }) => {
  dir = workspace;
  clock = testClock;
  ({ engine, store } = baton);
});

/** A new run of monitor-demo for `batch`, its first iteration generated. */
async function startBatch(
  batch: string,
): Promise<{ runId: string; iterationId: string; ids: Map<string, string> }> {
  const created = await createIteration(engine, { workflow: "monitor-demo", inputs: { batch } });
  const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
  const ids = new Map(generated.assignments.map((a) => [a.deliverables[0] as string, a.id]));
  expect([...ids.keys()].sort()).toEqual([`out/${batch}/a.md`, `out/${batch}/b.md`]);
  return { runId: created.run_id, iterationId: created.iteration_id, ids };
}

function assignmentsOf(iterationId: string, stallMinutes?: number): Map<string, AssignmentStatus> {
  const report = getStatus(engine, { iteration_id: iterationId, stall_minutes: stallMinutes });
  return new Map(report.runs[0]?.iterations[0]?.assignments.map((a) => [a.id, a]));
}

const kinds = (events: MonitorEvent[]) => events.map((e) => `${e.kind}:${e.assignment_id}`);

describe("progress", () => {
  test("is bytes written against the expected size (the min_bytes of the deliverable)", async () => {
    const { iterationId, ids } = await startBatch("one");
    const a = ids.get("out/one/a.md") as string;
    const b = ids.get("out/one/b.md") as string;
    expect(assignmentsOf(iterationId).get(a)).toMatchObject({ progress: 0, deliverables_done: 0 });

    writeFiles(dir, { "out/one/a.md": textOfSize(100) });
    let status = assignmentsOf(iterationId);
    expect(status.get(a)).toMatchObject({ progress: 0.25, deliverables_done: 0, deliverables_total: 1 });
    expect(status.get(b)).toMatchObject({ progress: 0 });
    expect(getStatus(engine, { iteration_id: iterationId }).runs[0]?.iterations[0]?.progress).toBe(0.125);

    writeFiles(dir, { "out/one/a.md": textOfSize(300) });
    expect(assignmentsOf(iterationId).get(a)?.progress).toBe(0.75);

    writeFiles(dir, { "out/one/a.md": textOfSize(2000) });
    status = assignmentsOf(iterationId);
    expect(status.get(a)).toMatchObject({ progress: 1, deliverables_done: 1 });

    const bundle = resolveIteration(engine, iterationId);
    const seen = observeIteration(engine, bundle).progress.get(a);
    expect(seen?.deliverables).toEqual([{ path: "out/one/a.md", size: 2000, expected: 400, changed: false }]);
  });

  test("raises the expected size to the typical size of earlier passed deliverables of the same pattern", async () => {
    const first = await startBatch("one");
    writeFiles(dir, { "out/one/a.md": textOfSize(1000), "out/one/b.md": textOfSize(1000) });
    // Validated straight away, without anyone looking at the status in between.
    const report = await validateIteration(engine, { iteration_id: first.iterationId });
    expect(report.passed).toBe(true);

    const second = await startBatch("two");
    const a = second.ids.get("out/two/a.md") as string;
    writeFiles(dir, { "out/two/a.md": textOfSize(500) });
    const seen = observeIteration(engine, resolveIteration(engine, second.iterationId)).progress.get(a);
    expect(seen?.deliverables[0]).toMatchObject({ path: "out/two/a.md", size: 500, expected: 1000 });
    expect(assignmentsOf(second.iterationId).get(a)).toMatchObject({ progress: 0.5, deliverables_done: 0 });
  });

  test("learns only from deliverables that passed", async () => {
    const first = await startBatch("one");
    // b.md is large but fails validation (an unclosed code fence); a.md passes at 600 bytes.
    writeFiles(dir, {
      "out/one/a.md": textOfSize(600),
      "out/one/b.md": `# B\n\n\`\`\`ts\n${"x".repeat(5000)}\n`,
    });
    assignmentsOf(first.iterationId); // the monitor records both sizes
    const report = await validateIteration(engine, { iteration_id: first.iterationId });
    expect(report.failures.map((f) => f.deliverable)).toEqual(["out/one/b.md"]);

    const second = await startBatch("two");
    const bundle = resolveIteration(engine, second.iterationId);
    for (const seen of observeIteration(engine, bundle).progress.values())
      expect(seen.deliverables[0]?.expected).toBe(600);
  });
});

describe("finished work", () => {
  test("counts every existing deliverable of a handed-in assignment as done, below the typical size too", async () => {
    const first = await startBatch("one");
    writeFiles(dir, { "out/one/a.md": textOfSize(2000), "out/one/b.md": textOfSize(2000) });
    expect((await validateIteration(engine, { iteration_id: first.iterationId })).passed).toBe(true);
    expect([...assignmentsOf(first.iterationId).values()].map((a) => a.deliverables_done)).toEqual([1, 1]);

    // The typical size is now 2000; a valid 500-byte deliverable is not 25% done forever.
    const second = await startBatch("two");
    const a = second.ids.get("out/two/a.md") as string;
    const b = second.ids.get("out/two/b.md") as string;
    writeFiles(dir, { "out/two/a.md": textOfSize(500), "out/two/b.md": textOfSize(500) });
    expect(assignmentsOf(second.iterationId).get(a)).toMatchObject({ progress: 0.25, deliverables_done: 0 });
    const monitor = new LiveMonitor(engine);
    monitor.tick();
    expect(monitor.isComplete(a)).toBe(false);

    store.markSubmitted(a, undefined);
    expect(assignmentsOf(second.iterationId).get(a)).toMatchObject({ progress: 1, deliverables_done: 1 });
    expect(kinds(monitor.tick())).toEqual([`completed:${a}`]);
    expect(monitor.isComplete(a)).toBe(true);
    // Still complete on later looks, though the event was reported once.
    expect(monitor.tick()).toEqual([]);
    expect(monitor.isComplete(a)).toBe(true);

    expect((await validateIteration(engine, { iteration_id: second.iterationId })).passed).toBe(true);
    for (const id of [a, b])
      expect(assignmentsOf(second.iterationId).get(id)).toMatchObject({
        state: "passed",
        progress: 1,
        deliverables_done: 1,
        deliverables_total: 1,
      });
  });

  test("completes a run driven over MCP when its last iteration passes, and reopens it when that fails again", async () => {
    const { runId, iterationId } = await startBatch("one");
    writeFiles(dir, { "out/one/a.md": textOfSize(400), "out/one/b.md": textOfSize(400) });
    expect((await validateIteration(engine, { iteration_id: iterationId })).passed).toBe(true);
    expect(store.getRun(runId)?.status).toBe("active"); // review is still to come

    const review = await createIteration(engine, { run_id: runId });
    await generatePrompts(engine, { iteration_id: review.iteration_id });
    writeFiles(dir, { "out/one/review.md": textOfSize(300) });
    expect((await validateIteration(engine, { iteration_id: review.iteration_id })).passed).toBe(true);
    expect(store.getRun(runId)?.status).toBe("completed");

    writeFiles(dir, { "out/one/review.md": "x" });
    expect((await validateIteration(engine, { iteration_id: review.iteration_id })).passed).toBe(false);
    expect(store.getRun(runId)?.status).toBe("active");
  });

  test("lets orchestrate without a launcher validate when the deliverables are finished at different looks", async () => {
    // Each wait between looks writes one more deliverable: a.md is complete long before b.md.
    const writes: Record<string, string>[] = [
      { "out/one/a.md": textOfSize(400) },
      {},
      { "out/one/b.md": textOfSize(400) },
      { "out/one/review.md": textOfSize(300) },
    ];
    const lines: string[] = [];
    const summary = await orchestrate(engine, {
      workflow: "monitor-demo",
      inputs: { batch: "one" },
      parallel: 2,
      intervalMs: 1,
      wait: async () => {
        const next = writes.shift();
        if (!next) throw new Error("orchestrate kept waiting after every deliverable was written");
        writeFiles(dir, next);
      },
      log: (line) => lines.push(line),
    });
    expect(summary.status).toBe("completed");
    expect(lines.filter((l) => l.includes("validation PASSED"))).toHaveLength(2);
    expect(store.getRun(summary.run_id)?.status).toBe("completed");
  });
});

describe("stalls", () => {
  test("flags a claimed assignment whose deliverables did not change for stall_minutes", async () => {
    const { iterationId, ids } = await startBatch("one");
    const monitor = new LiveMonitor(engine);
    expect(monitor.tick()).toEqual([]);
    const claimed = claimAssignment(engine, { agent: "w1" }).assignment_id as string;
    const other = [...ids.values()].find((id) => id !== claimed) as string;

    clock.advanceMinutes(4);
    expect(assignmentsOf(iterationId).get(claimed)?.stalled).toBe(false);
    expect(monitor.tick()).toEqual([]);

    clock.advanceMinutes(2);
    const status = assignmentsOf(iterationId);
    expect(status.get(claimed)).toMatchObject({
      stalled: true,
      state: "claimed",
      agent: "w1",
      elapsed_s: 360,
    });
    expect(status.get(other)?.stalled).toBe(false); // pending, not claimed: never stalled
    const next = nextOf();
    expect(next).toContain(`check on stalled assignment(s) ${claimed} of ${iterationId}`);

    const events = monitor.tick();
    expect(events).toEqual([
      {
        kind: "stalled",
        run_id: store.getIteration(iterationId)?.run_id,
        iteration_id: iterationId,
        assignment_id: claimed,
        agent: "w1",
        since: clock.iso(-6),
      },
    ]);
    // Reported once, not on every look.
    clock.advanceMinutes(5);
    expect(monitor.tick()).toEqual([]);
  });

  test("clears the stall when a deliverable changes, and reports it again after another quiet spell", async () => {
    const { iterationId } = await startBatch("one");
    const monitor = new LiveMonitor(engine);
    const claim = claimAssignment(engine, { agent: "w1" });
    const id = claim.assignment_id as string;
    const file = claim.deliverables?.[0] as string;
    clock.advanceMinutes(6);
    expect(kinds(monitor.tick())).toEqual([`stalled:${id}`]);

    writeFiles(dir, { [file]: textOfSize(100) });
    const changed = monitor.tick();
    expect(changed).toEqual([
      {
        kind: "changed",
        run_id: expect.any(String),
        iteration_id: iterationId,
        assignment_id: id,
        paths: [file],
      },
    ]);
    expect(assignmentsOf(iterationId).get(id)).toMatchObject({ stalled: false, last_change_at: clock.iso() });

    clock.advanceMinutes(3);
    expect(monitor.tick()).toEqual([]);
    clock.advanceMinutes(3);
    expect(kinds(monitor.tick())).toEqual([`stalled:${id}`]);
  });

  test("takes a stall limit other than the workflow's", async () => {
    const { iterationId } = await startBatch("one");
    const id = claimAssignment(engine, { agent: "w1" }).assignment_id as string;
    clock.advanceMinutes(2);
    expect(assignmentsOf(iterationId).get(id)?.stalled).toBe(false);
    expect(assignmentsOf(iterationId, 1).get(id)?.stalled).toBe(true);
    expect(kinds(new LiveMonitor(engine, 1).tick())).toEqual([`stalled:${id}`]);
  });
});

describe("completion", () => {
  test("emits completed once when every deliverable of an assignment reaches its expected size", async () => {
    const { ids } = await startBatch("one");
    const a = ids.get("out/one/a.md") as string;
    const b = ids.get("out/one/b.md") as string;
    const monitor = new LiveMonitor(engine);
    writeFiles(dir, { "out/one/a.md": textOfSize(399) });
    expect(kinds(monitor.tick())).toEqual([`changed:${a}`]);
    writeFiles(dir, { "out/one/a.md": textOfSize(400) });
    expect(kinds(monitor.tick())).toEqual([`changed:${a}`, `completed:${a}`]);
    expect(monitor.tick()).toEqual([]);
    writeFiles(dir, { "out/one/b.md": textOfSize(450), "out/one/a.md": textOfSize(500) });
    expect(kinds(monitor.tick()).sort()).toEqual([`changed:${a}`, `changed:${b}`, `completed:${b}`].sort());
  });
});

describe("get_status next", () => {
  test("suggests the orchestrator's next action at each step of a run", async () => {
    // The call suggested succeeds as written (#19): a workflow that needs no inputs; the others name theirs.
    expect(nextOf()).toEqual([
      expect.stringMatching(
        /^start a run: create_iteration \{"workflow": "user-story-refinement"\} \(workflows: .*code-review \(inputs: change\).*monitor-demo \(inputs: batch\)/,
      ),
    ]);

    const created = await createIteration(engine, { workflow: "monitor-demo", inputs: { batch: "one" } });
    const it1 = created.iteration_id;
    const run = created.run_id;
    expect(nextOf()).toEqual([`generate_prompts {"iteration_id": "${it1}"}`]);

    await generatePrompts(engine, { iteration_id: it1 });
    expect(nextOf()).toEqual([
      `dispatch 2 pending assignment(s) of ${it1} to sub-agents (read their prompt resources)`,
    ]);

    claimAssignment(engine, { agent: "w1" });
    claimAssignment(engine, { agent: "w2" });
    writeFiles(dir, { "out/one/a.md": textOfSize(400), "out/one/b.md": textOfSize(200) });
    expect(nextOf()).toEqual([`wait for the agents of ${it1} (75% written), then validate_iteration`]);

    // Written to size, but a.md has an unclosed code fence: validation will fail it.
    writeFiles(dir, {
      "out/one/a.md": `# A\n\n\`\`\`ts\n${"x".repeat(400)}\n`,
      "out/one/b.md": textOfSize(400),
    });
    expect(nextOf()).toEqual([`validate_iteration {"iteration_id": "${it1}"}`]);
    expect((await validateIteration(engine, { iteration_id: it1 })).passed).toBe(false);
    expect(nextOf()).toEqual([
      `rework the failed assignments of ${it1} (see baton://iterations/${it1}/validation), then validate_iteration`,
    ]);

    writeFiles(dir, { "out/one/a.md": textOfSize(400) });
    const passed = await validateIteration(engine, { iteration_id: it1 });
    expect(passed.passed).toBe(true);
    expect(afterValidate(passed, runProgress(engine, it1))).toContain(
      `call create_iteration with run_id "${run}" for the next ready iteration (\`review\`)`,
    );
    expect(nextOf()).toEqual([`create_iteration {"run_id": "${run}"} (next: review)`]);

    const review = await createIteration(engine, { run_id: run });
    await generatePrompts(engine, { iteration_id: review.iteration_id });
    writeFiles(dir, { "out/one/review.md": textOfSize(300) });
    const last = await validateIteration(engine, { iteration_id: review.iteration_id });
    expect(last.passed).toBe(true);
    expect(nextOf()).toEqual([`run ${run} is complete`]);
    const hint = afterValidate(last, runProgress(engine, review.iteration_id));
    expect(hint).toContain(`Run ${run} is complete`);
    expect(hint).not.toContain("create_iteration");
  });
});

/** The suggested calls get_status shows with the current status. */
function nextOf(): string[] {
  return afterStatus(getStatus(engine, {}), () => workflowStarts(engine)).next;
}
