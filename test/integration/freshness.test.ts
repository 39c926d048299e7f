import { readFileSync, utimesSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { validateIteration } from "../../src/engine/validation.js";
import { markdownDoc } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { itemsWorkflow, NOTE_PER_ITEM } from "../helpers/items.js";
import { writeFiles } from "../helpers/temp.js";

// #12 items 1 and 2: a deliverable must be written in its iteration (content hash against the
// baseline taken when the assignments were made), and an assignment nobody started keeps its attempts.

const workflow = (inPlace?: string) =>
  itemsWorkflow("notes", {
    ...NOTE_PER_ITEM,
    settings: ["max_attempts: 2"],
    agent: inPlace ? [`update_in_place: ${inPlace}`] : [],
  });

const note = (name: string, extra = "") =>
  markdownDoc(name, { Summary: `The note on ${name}.${extra}`, Details: "Everything there is to say." }, 300);

async function newRun(engine: EngineContext) {
  const created = await createIteration(engine, { workflow: "notes" });
  await generatePrompts(engine, { iteration_id: created.iteration_id });
  return created.iteration_id;
}

describe("fresh deliverables (#12 item 1)", () => {
  test("run 2 fails on run 1's files until they are written again", async ({ dir, baton }) => {
    writeFiles(dir, { ".baton/workflows/notes.yaml": workflow(), "items/a.md": "# A\n" });
    const run1 = await newRun(baton.engine);
    writeFiles(dir, { "notes/a.md": note("a") });
    expect((await validateIteration(baton.engine, { iteration_id: run1 })).passed).toBe(true);

    // Run 2's first iteration, nothing written: run 1's file no longer counts.
    const old = new Date("2029-12-31T10:00:00.000Z");
    utimesSync(path.join(dir, "notes/a.md"), old, old);
    const run2 = await newRun(baton.engine);
    // Touching is not writing, and neither is a rewrite with the same content.
    writeFiles(dir, { "notes/a.md": note("a") });
    const stale = await validateIteration(baton.engine, { iteration_id: run2 });
    expect(stale.passed).toBe(false);
    // Nobody claimed it: reported not started, and why its file does not count.
    expect(stale.assignments[0]).toMatchObject({ not_started: true, state: "pending", attempts: 0 });
    expect(stale.failures.map((f) => f.check)).toEqual(["not_started", "implicit:fresh"]);
    expect(stale.failures).toContainEqual(
      expect.objectContaining({
        check: "implicit:fresh",
        deliverable: "notes/a.md",
        reason: expect.stringContaining(
          "notes/a.md: not written in this iteration (unchanged since 2029-12-31T10:00:00.000Z)",
        ),
      }),
    );
    // An agent claims it and submits nothing new: the freshness failure costs it an attempt.
    expect(claimAssignment(baton.engine, { agent: "a1" }).assignment_id).toBe(stale.assignments[0]?.id);
    const claimed = await validateIteration(baton.engine, {
      iteration_id: run2,
      assignment_id: stale.assignments[0]?.id,
    });
    expect(claimed.failures.map((f) => f.check)).toEqual(["implicit:fresh"]);
    expect(claimed.assignments[0]).toMatchObject({ state: "pending", attempts: 1 });

    writeFiles(dir, { "notes/a.md": note("a", " Revised.") });
    expect((await validateIteration(baton.engine, { iteration_id: run2 })).passed).toBe(true);
  });

  test("`update_in_place: true` on the agent lets a file pass unchanged", async ({ dir, baton }) => {
    writeFiles(dir, {
      ".baton/workflows/notes.yaml": workflow("true"),
      "items/a.md": "# A\n",
      "notes/a.md": note("a"),
    });
    const old = new Date("2029-12-31T10:00:00.000Z");
    utimesSync(path.join(dir, "notes/a.md"), old, old);
    const it = await newRun(baton.engine);
    const untouched = await validateIteration(baton.engine, { iteration_id: it });
    expect(untouched.failures.map((f) => f.check)).toEqual(["not_started"]);
    // The agent looked at it and kept it as it was (same content, written again).
    writeFiles(dir, { "notes/a.md": note("a") });
    expect((await validateIteration(baton.engine, { iteration_id: it })).passed).toBe(true);
  });

  test("`update_in_place` must be a boolean, reported at its place", async ({ dir, baton }) => {
    writeFiles(dir, {
      ".baton/workflows/notes.yaml": workflow("sometimes"),
      "items/a.md": "# A\n",
    });
    await expect(createIteration(baton.engine, { workflow: "notes" })).rejects.toThrow(
      /notes\.yaml:12:28: .*update_in_place.*expected boolean/,
    );
  });
});

describe("not started keeps its attempts (#12 item 2)", () => {
  test("150 never-claimed assignments polled by validate_iteration stay pending with 0 attempts", async ({
    dir,
    baton,
  }) => {
    const items = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`items/i${String(i).padStart(3, "0")}.md`, "# Item\n"]),
    );
    writeFiles(dir, { ".baton/workflows/notes.yaml": workflow(), ...items });
    const it = await newRun(baton.engine);
    const all = () => baton.store.listAssignments(it);
    expect(all()).toHaveLength(150);

    // One agent claims and delivers; one writes its file without claiming (a host-driven agent).
    const claimed = claimAssignment(baton.engine, { agent: "a1" });
    const [claimedFile] = claimed.deliverables ?? [];
    const written = all().find((a) => a.id !== claimed.assignment_id);
    writeFiles(dir, { [written?.deliverables[0] ?? ""]: "too short" });

    for (let poll = 0; poll < 3; poll++) {
      const report = await validateIteration(baton.engine, { iteration_id: it });
      expect(report.passed).toBe(false);
      expect(report.rework.map((r) => r.assignment_id)).toEqual(poll < 2 ? [written?.id] : []);
      const notStarted = report.assignments.filter((a) => a.not_started);
      expect(notStarted).toHaveLength(148);
      expect(notStarted.every((a) => a.state === "pending" && a.attempts === 0)).toBe(true);
      expect(report.failures.filter((f) => f.check === "not_started")).toHaveLength(148);
    }
    const states = all();
    expect(states.filter((a) => a.state === "pending" && a.attempts === 0)).toHaveLength(148);
    expect(states.find((a) => a.id === claimed.assignment_id)?.state).toBe("claimed");
    // The host-driven one was judged: its attempts ran out.
    expect(states.find((a) => a.id === written?.id)).toMatchObject({ state: "failed", attempts: 3 });
    expect(claimedFile).toMatch(/^notes\//);
  });

  test("a command scoped to the deliverables runs for the assignment that wrote one, not for the untouched one", async ({
    dir,
    baton,
  }) => {
    const scoped = itemsWorkflow("notes", {
      ...NOTE_PER_ITEM,
      criteria: ['{ check: command, deliverable: "notes/{item_id}.md", run: "echo ran >> ran.txt" }'],
    });
    writeFiles(dir, { ".baton/workflows/notes.yaml": scoped, "items/a.md": "# A\n", "items/b.md": "# B\n" });
    const it = await newRun(baton.engine);
    const [first] = baton.store.listAssignments(it);
    writeFiles(dir, { [first?.deliverables[0] ?? ""]: note("a") });

    const report = await validateIteration(baton.engine, { iteration_id: it, allowCommands: true });
    expect(report.assignments.filter((a) => a.not_started).map((a) => a.id)).not.toContain(first?.id);
    expect(report.assignments.filter((a) => a.not_started)).toHaveLength(1);
    // Checking the untouched assignment ran only its exists check, not its command.
    expect(readFileSync(path.join(dir, "ran.txt"), "utf8")).toBe("ran\n");
  });
});
