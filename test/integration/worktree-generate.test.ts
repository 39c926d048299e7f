import { rmSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { git, gitRepo } from "../helpers/git.js";
import { callOk } from "../helpers/mcp.js";
import { roleYaml } from "../helpers/temp.js";

// generate_prompts under `isolation: worktree` on a real git repository: one worktree and branch
// per assignment, and a regeneration before any claim leaves none of the dropped assignments behind.

const WORKFLOW = `workflow:
  name: notes
  description: One note per topic
  iterations:
    - name: writing
      goal: Write a note per topic
      isolation: worktree
      agents:
        - role: writer
          targets: ["topics/*.md"]
          deliverables: ["notes/{topic_id}.md"]
`;

interface Generated {
  assignments: { local_id: string; workdir?: string }[];
}

const branchesOf = (dir: string) =>
  git(dir, "branch", "--list", "--format=%(refname:short)", "baton/*").trim().split("\n").filter(Boolean);
const worktreesOf = (dir: string) =>
  git(dir, "worktree", "list", "--porcelain")
    .split("\n")
    .filter((line) => line.startsWith("worktree ") && line.includes("/.baton/worktrees/"))
    .map((line) => line.slice(line.indexOf("/.baton/") + 1));

describe("generate_prompts with isolation: worktree", () => {
  test.override({
    files: {
      ".gitignore": ".baton/\niterations/\n",
      ".baton/roles/writer.yaml": roleYaml("writer", 30000, 1),
      ".baton/workflows/notes.yaml": WORKFLOW,
      "topics/alpha.md": "# Alpha\n",
      "topics/beta.md": "# Beta\n",
    },
  });
  test.beforeEach(({ dir }) => gitRepo(dir));

  test("makes a worktree per assignment and drops those a regeneration no longer plans", async ({
    dir,
    mcp: client,
  }) => {
    const batonBranches = () => branchesOf(dir);
    const batonWorktrees = () => worktreesOf(dir);
    const { iteration_id, run_id } = await callOk<{ iteration_id: string; run_id: string }>(
      client,
      "create_iteration",
      { workflow: "notes" },
    );
    const first = await callOk<Generated>(client, "generate_prompts", { iteration_id });
    const workdirs = first.assignments.map((a) => a.workdir);
    expect(workdirs).toEqual([
      `.baton/worktrees/${run_id}/i01/writer-01`,
      `.baton/worktrees/${run_id}/i01/writer-02`,
    ]);
    expect(batonWorktrees()).toEqual(workdirs);
    expect(batonBranches()).toEqual([`baton/${run_id}/i01/writer-01`, `baton/${run_id}/i01/writer-02`]);

    // One topic fewer before anyone claimed: writer-02's worktree and branch go with its assignment.
    rmSync(path.join(dir, "topics", "beta.md"));
    const second = await callOk<Generated>(client, "generate_prompts", { iteration_id });
    expect(second.assignments.map((a) => a.workdir)).toEqual([`.baton/worktrees/${run_id}/i01/writer-01`]);
    expect(batonWorktrees()).toEqual([`.baton/worktrees/${run_id}/i01/writer-01`]);
    expect(batonBranches()).toEqual([`baton/${run_id}/i01/writer-01`]);
  });
});
