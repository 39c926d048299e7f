import { existsSync, readFileSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { decomposeTask } from "../../src/engine/decompose.js";
import { openEngine, runCli } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { writeFiles } from "../helpers/temp.js";

// `baton plans` and `baton plans remove <name>` from dist/: the plans decompose_task kept
// (`keep: true`) are listed with their runs and can be removed; any other workflow, a path or a
// plan file linking out of the workspace is refused, and a removed plan's run goes on.

const PLAN = {
  name: "release-notes",
  iterations: [
    {
      name: "draft",
      goal: "Draft the release notes",
      subtasks: [
        {
          role: "tech_writer",
          description: "Write the release notes",
          deliverables: ["tasks/release/notes.md"],
          complexity: 2,
        },
      ],
    },
  ],
};

/** A workflow a person wrote: named like a plan, but without decompose_task's header. */
const HAND_WRITTEN = `workflow:
  name: plan-mine
  description: Mine, not a saved plan
  iterations:
    - name: only
      goal: Write it
      agents:
        - role: tech_writer
          deliverables: ["mine.md"]
      completion_criteria:
        - It is written
`;

describe("baton plans", () => {
  let dir: string;
  let outside: string;

  test.override({
    files: {
      ".baton/workflows/plan-mine.yaml": HAND_WRITTEN,
      ".baton/workflows/my-flow.yaml": HAND_WRITTEN.replace("plan-mine", "my-flow"),
    },
  });

  test.beforeEach(async ({ dir: workspace, outside: elsewhere }) => {
    dir = workspace;
    outside = elsewhere;
    const { engine, close } = openEngine(dir);
    try {
      const kept = await decomposeTask(engine, { task: "Write the release notes", plan: PLAN, keep: true });
      expect(kept.workflow_file).toBe(".baton/workflows/plan-release-notes.yaml");
      // Not kept: lives only in its run, never listed.
      await decomposeTask(engine, { task: "Another task", plan: { ...PLAN, name: "scratch" } });
    } finally {
      close();
    }
  });

  test("lists only the kept plans, with their runs, as a table and as JSON", async () => {
    const json = await runCli(["plans", "--json"], dir);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        name: "plan-release-notes",
        file: ".baton/workflows/plan-release-notes.yaml",
        task: "Write the release notes",
        runs: 1,
        active_runs: 1,
      },
    ]);
    const text = await runCli(["plans"], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/plan-release-notes\s+1\s+1\s+Write the release notes/);
    expect(text.stdout).not.toMatch(/plan-mine|my-flow|scratch/);
  });

  test("refuses any name that is not a saved plan, naming the plans, and deletes nothing", async () => {
    const cases: [string, string][] = [
      ["my-flow", "`my-flow` is a workflow of this workspace, not a plan saved by decompose_task"],
      ["plan-mine", "`plan-mine` is a workflow of this workspace, not a plan saved by decompose_task"],
      ["code-review", "`code-review` is a shipped workflow, not a plan saved by decompose_task"],
      ["../../my-flow", "no saved plan `../../my-flow`"],
      ["plan-scratch", "no saved plan `plan-scratch`"],
    ];
    for (const [name, message] of cases) {
      const result = await runCli(["plans", "remove", name], dir);
      expect(result.code, name).toBe(1);
      expect(result.stderr).toBe(`baton: ${message}; saved plans: \`plan-release-notes\`\n`);
    }
    for (const file of ["plan-mine.yaml", "my-flow.yaml", "plan-release-notes.yaml"])
      expect(existsSync(path.join(dir, ".baton", "workflows", file))).toBe(true);
  });

  test("never lists or removes a plan file that links out of the workspace", async () => {
    const target = path.join(outside, "plan-evil.yaml");
    writeFiles(outside, {
      "plan-evil.yaml": readFileSync(path.join(dir, ".baton/workflows/plan-release-notes.yaml"), "utf8"),
    });
    symlinkSync(target, path.join(dir, ".baton", "workflows", "plan-evil.yaml"));
    const listed = await runCli(["plans", "--json"], dir);
    expect(JSON.parse(listed.stdout).map((p: { name: string }) => p.name)).toEqual(["plan-release-notes"]);
    const removed = await runCli(["plans", "remove", "plan-evil"], dir);
    expect(removed.code).toBe(1);
    expect(removed.stderr).toBe(
      "baton: workflow file `.baton/workflows/plan-evil.yaml` leaves the workspace through a symbolic link; it is not removed; saved plans: `plan-release-notes`\n",
    );
    expect(removed.stderr).not.toContain(outside);
    expect(existsSync(target)).toBe(true);
  });

  test("removes a saved plan's file; its run keeps going on its own copy", async () => {
    const removed = await runCli(["plans", "remove", "plan-release-notes"], dir);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(
      "removed .baton/workflows/plan-release-notes.yaml; its 1 run(s) keep their own copy of the plan\n",
    );
    expect(existsSync(path.join(dir, ".baton", "workflows", "plan-release-notes.yaml"))).toBe(false);
    expect((await runCli(["plans"], dir)).stdout).toMatch(/^no saved plans/);
    const status = await runCli(["status", "plan-release-notes-1", "--json"], dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("plan-release-notes-1");
    const again = await runCli(["plans", "remove", "plan-release-notes"], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("baton: no saved plan `plan-release-notes`; saved plans: none\n");
  });
});
