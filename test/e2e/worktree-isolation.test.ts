import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { git, gitRepo } from "../helpers/git.js";
import { callError, callOk } from "../helpers/mcp.js";
import { writeFiles } from "../helpers/temp.js";

// `isolation: worktree` over stdio on a real git repository with a small JavaScript project: two
// assignments edit the same line in their own worktrees; one merges, the other gets a conflict
// rework naming the file and the assignment that merged first, and after the fix both changes are
// on the branch and no worktree is left.

const WORKFLOW = `workflow:
  name: pricing
  description: Two developers change the same function
  iterations:
    - name: change
      goal: Change the price function
      isolation: worktree
      agents:
        - role: developer
          task: Make price() apply a discount
          deliverables: ["src/price.js"]
        - role: developer
          task: Write tax() in src/tax.js and make price() in src/price.js add it
          deliverables: ["src/tax.js"]
      completion_criteria:
        - { check: contains, deliverable: "src/price.js", pattern: "export function price" }
        - { check: contains, deliverable: "src/tax.js", pattern: "export function tax" }
        - { check: min_bytes, deliverable: "src/price.js", bytes: 20 }
        - { check: min_bytes, deliverable: "src/tax.js", bytes: 20 }
`;

const ORIGINAL = "export function price(amount) {\n  return amount;\n}\n";

interface Generated {
  iteration_id: string;
  assignments: { id: string; local_id: string; workdir?: string; deliverables: string[] }[];
}
interface Claim {
  assignment_id: string | null;
  prompt?: string;
  workdir?: string;
}
interface Submit {
  passed: boolean;
  state: string;
  failures: { check: string; reason: string }[];
  rework_prompt?: string;
}

const PROJECT = {
  ".gitignore": ".baton/\niterations/\n",
  "package.json": '{ "name": "shop", "type": "module" }\n',
  "src/price.js": ORIGINAL,
  ".baton/workflows/pricing.yaml": WORKFLOW,
};

// The repository and its server serve the whole file; `dir` (per test) is a folder without git.
test.override({
  files: { ".baton/workflows/pricing.yaml": WORKFLOW, "src/price.js": ORIGINAL },
  shared: { files: PROJECT },
});

describe("worktree isolation over stdio", () => {
  // Committed before the server starts (on first use by a test).
  test.beforeAll(({ sharedDir }) => gitRepo(sharedDir));

  test("refuses isolation outside a git repository", async ({ stdio }) => {
    const message = await callError(stdio.client, "create_iteration", { workflow: "pricing" });
    expect(message).toMatch(
      /`isolation: worktree` needs the workspace to be the top folder of a git repository/,
    );
  });

  test("merges one assignment, sends the other to a conflict rework, then merges both", async ({
    sharedDir: dir,
    sharedStdio: { client },
  }) => {
    const created = await callOk<{ iteration_id: string }>(client, "create_iteration", {
      workflow: "pricing",
    });
    // The worktrees start from the commit at creation, not from one made afterwards.
    const base = git(dir, "rev-parse", "HEAD").trim();
    writeFiles(dir, { "NOTES.md": "# Notes\n" });
    git(dir, "add", "NOTES.md");
    git(dir, "commit", "-qm", "notes");
    const generated = await callOk<Generated>(client, "generate_prompts", {
      iteration_id: created.iteration_id,
    });
    expect(generated.assignments).toHaveLength(2);
    const [first, second] = generated.assignments as [
      Generated["assignments"][0],
      Generated["assignments"][0],
    ];
    expect(first.workdir).toMatch(/^\.baton\/worktrees\/.+\//);
    expect(second.workdir).not.toBe(first.workdir);

    const claimA = await callOk<Claim>(client, "claim_assignment", { agent: "a" });
    const claimB = await callOk<Claim>(client, "claim_assignment", { agent: "b" });
    expect(claimA.workdir).toBe(first.workdir);
    expect(claimB.workdir).toBe(second.workdir);
    expect(claimA.prompt).toContain(`\`${first.workdir}\``);
    for (const claim of [claimA, claimB]) {
      expect(git(path.join(dir, claim.workdir as string), "rev-parse", "HEAD").trim()).toBe(base);
    }

    // Both edit the same line, each in its own worktree; the workspace itself stays untouched.
    const fileIn = (workdir: string | undefined) => path.join(dir, workdir as string, "src", "price.js");
    writeFileSync(fileIn(claimA.workdir), "export function price(amount) {\n  return amount * 0.9;\n}\n");
    writeFileSync(fileIn(claimB.workdir), "export function price(amount) {\n  return amount * 1.2;\n}\n");
    writeFileSync(
      path.join(dir, claimB.workdir as string, "src", "tax.js"),
      "export function tax(amount) {\n  return amount * 0.2;\n}\n",
    );
    expect(readFileSync(path.join(dir, "src/price.js"), "utf8")).toBe(ORIGINAL);

    const passedA = await callOk<Submit>(client, "submit_assignment", { assignment_id: first.id });
    expect(passedA).toMatchObject({ passed: true, state: "passed" });
    expect(readFileSync(path.join(dir, "src/price.js"), "utf8")).toContain("amount * 0.9");

    const conflicted = await callOk<Submit>(client, "submit_assignment", { assignment_id: second.id });
    expect(conflicted.passed).toBe(false);
    const reason = conflicted.failures.find((f) => f.check === "merge")?.reason ?? "";
    expect(reason).toContain("`src/price.js`");
    expect(reason).toContain(`assignment ${first.local_id}, whose merge came first`);
    expect(conflicted.rework_prompt).toContain(reason);
    expect(git(dir, "branch", "--list", "baton/*")).toContain(`/${second.local_id}`);
    // Nothing is lost: the branch stays and the worktree holds both sides between conflict markers.
    const marked = readFileSync(fileIn(second.workdir), "utf8");
    expect(marked).toContain("<<<<<<<");
    expect(marked).toContain("amount * 1.2");
    expect(marked).toContain("amount * 0.9");

    // The rework: keep both changes, then submit again.
    writeFileSync(
      fileIn(second.workdir),
      "export function price(amount) {\n  return amount * 0.9 * 1.2;\n}\n",
    );
    const passedB = await callOk<Submit>(client, "submit_assignment", { assignment_id: second.id });
    expect(passedB).toMatchObject({ passed: true, state: "passed" });

    expect(readFileSync(path.join(dir, "src/price.js"), "utf8")).toContain("amount * 0.9 * 1.2");
    expect(readFileSync(path.join(dir, "src/tax.js"), "utf8")).toContain("export function tax");
    const log = git(dir, "log", "--format=%s", "main");
    expect(log).toContain(`${first.local_id}:`);
    expect(log).toContain(`${second.local_id}:`);
    // The run completes on the merged work, with no worktree left.
    const final = await callOk<{ passed: boolean }>(client, "validate_iteration", {
      iteration_id: created.iteration_id,
    });
    expect(final.passed).toBe(true);
    const status = await callOk<{ runs: { status: string }[] }>(client, "get_status", {});
    expect(status.runs[0]?.status).toBe("completed");
    const worktrees = git(dir, "worktree", "list", "--porcelain")
      .split("\n")
      .filter((line) => line.startsWith("worktree "));
    expect(worktrees).toEqual([`worktree ${dir}`]);
    expect(git(dir, "branch", "--list", "baton/*").trim()).toBe("");
    expect(git(dir, "status", "--porcelain", "--", "src").trim()).toBe("");
  });
});
