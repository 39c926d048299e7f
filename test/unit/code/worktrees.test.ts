import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { Workspace } from "../../../src/config/workspace.js";
import {
  commitWorktree,
  createWorktree,
  isGitRepo,
  isolationBase,
  listWorktrees,
  mergeBranch,
  removeWorktree,
  requireGitRepo,
  syncWithBase,
  worktreeBranch,
} from "../../../src/engine/code/worktrees.js";
import { resolveTargets } from "../../../src/engine/targets.js";
import { test } from "../../helpers/fixtures.js";
import { git, gitRepo } from "../../helpers/git.js";
import { writeFiles } from "../../helpers/temp.js";

let dir: string;
test.beforeEach(({ dir: workspace }) => {
  dir = workspace;
});

/** A repository on branch `main` with one commit of src/greet.js (three lines). */
function repo(): void {
  writeFiles(dir, { "src/greet.js": "line 1\nline 2\nline 3\n", "README.md": "# demo\n" });
  gitRepo(dir, "init");
}

const read = (rel: string) => readFileSync(path.join(dir, rel), "utf8");
const branches = () =>
  git(dir, "branch", "--format=%(refname:short)")
    .split("\n")
    .filter((b) => b !== "");

describe("git worktrees for isolated assignments", () => {
  test("says clearly when the workspace is not a git repository", async () => {
    expect(await isGitRepo(dir)).toBe(false);
    await expect(requireGitRepo(dir)).rejects.toThrow(
      "`isolation: worktree` needs the workspace to be the top folder of a git repository",
    );
    repo();
    expect(await isGitRepo(dir)).toBe(true);
    mkdirSync(path.join(dir, "sub"));
    expect(await isGitRepo(path.join(dir, "sub"))).toBe(false);
    git(dir, "checkout", "--quiet", "--detach");
    await expect(isolationBase(dir)).rejects.toThrow("HEAD is detached");
  });

  test("merges the first of two conflicting branches, reports the second's conflict, and merges it after a fix", async () => {
    repo();
    const base = await isolationBase(dir);
    expect(base.branch).toBe("main");
    const a = await createWorktree(dir, {
      runId: "run-1",
      assignment: "developer-01",
      baseCommit: base.commit,
    });
    const b = await createWorktree(dir, {
      runId: "run-1",
      assignment: "developer-02",
      baseCommit: base.commit,
    });
    expect(a).toEqual({ dir: ".baton/worktrees/run-1/developer-01", branch: "baton/run-1/developer-01" });
    expect(await listWorktrees(dir)).toEqual([a, b]);
    // Target globs of the workspace do not see the worktrees' copies of its files.
    const targets = await resolveTargets(new Workspace(dir), ["**/*.js"], {});
    expect(targets.map((t) => t.path)).toEqual(["src/greet.js"]);

    // Both agents edit the same line, each in its own folder; the workspace does not change.
    writeFileSync(path.join(dir, a.dir, "src/greet.js"), "line 1 from A\nline 2\nline 3\n");
    writeFileSync(path.join(dir, b.dir, "src/greet.js"), "line 1 from B\nline 2\nline 3\n");
    writeFileSync(path.join(dir, b.dir, "src/extra.js"), "export const extra = 1;\n");
    writeFiles(path.join(dir, b.dir), { ".baton/reports/junit.xml": "<testsuites/>" });
    expect(read("src/greet.js")).toBe("line 1\nline 2\nline 3\n");
    expect(await commitWorktree(dir, a, "developer-01")).toMatch(/^[0-9a-f]{40}$/);
    expect(await commitWorktree(dir, b, "developer-02")).toMatch(/^[0-9a-f]{40}$/);
    expect(await commitWorktree(dir, a, "nothing new")).toBeNull();

    const first = await mergeBranch(dir, {
      branch: a.branch,
      baseBranch: "main",
      message: "Merge developer-01",
    });
    expect(first).toMatchObject({ status: "merged", files: ["src/greet.js"] });
    expect(read("src/greet.js")).toBe("line 1 from A\nline 2\nline 3\n");

    const second = await mergeBranch(dir, {
      branch: b.branch,
      baseBranch: "main",
      message: "Merge developer-02",
    });
    expect(second).toEqual({ status: "conflict", files: ["src/greet.js"] });
    // Aborted: the workspace is as the first merge left it, and the branch is kept.
    expect(read("src/greet.js")).toBe("line 1 from A\nline 2\nline 3\n");
    expect(existsSync(path.join(dir, "src/extra.js"))).toBe(false);
    expect(git(dir, "status", "--porcelain", "--untracked-files=no")).toBe("");
    expect(branches()).toContain(b.branch);

    // The rework: the base comes into B's worktree, the agent resolves the markers there.
    expect(await syncWithBase(dir, b, "main")).toEqual(["src/greet.js"]);
    expect(readFileSync(path.join(dir, b.dir, "src/greet.js"), "utf8")).toContain("<<<<<<< ");
    await expect(commitWorktree(dir, b, "unresolved")).rejects.toThrow(
      "conflict markers are still in `src/greet.js`; resolve them first",
    );
    writeFileSync(path.join(dir, b.dir, "src/greet.js"), "line 1 from A\nline 1 from B\nline 2\nline 3\n");
    expect(await commitWorktree(dir, b, "developer-02: resolve conflict with developer-01")).toMatch(
      /^[0-9a-f]{40}$/,
    );
    const third = await mergeBranch(dir, {
      branch: b.branch,
      baseBranch: "main",
      message: "Merge developer-02",
    });
    expect(third.status).toBe("merged");
    expect(read("src/greet.js")).toBe("line 1 from A\nline 1 from B\nline 2\nline 3\n");
    expect(read("src/extra.js")).toBe("export const extra = 1;\n");
    // Baton's own files in a worktree (a test report) are never committed to its branch.
    expect(git(dir, "ls-tree", "-r", "--name-only", "main")).not.toContain(".baton");

    await removeWorktree(dir, a, { deleteBranch: true });
    await removeWorktree(dir, b, { deleteBranch: true });
    expect(await listWorktrees(dir)).toEqual([]);
    expect(git(dir, "worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
    expect(branches()).toEqual(["main"]);
  });

  test("refuses to merge over uncommitted changes to the same files, but not over unrelated ones", async () => {
    repo();
    const base = await isolationBase(dir);
    const a = await createWorktree(dir, { runId: "r", assignment: "dev-01", baseCommit: base.commit });
    writeFileSync(path.join(dir, a.dir, "src/greet.js"), "changed by the agent\n");
    await commitWorktree(dir, a, "dev-01");

    writeFileSync(path.join(dir, "src/greet.js"), "the operator's own edit\n");
    const refused = await mergeBranch(dir, { branch: a.branch, baseBranch: "main", message: "m" });
    expect(refused).toEqual({
      status: "refused",
      reason:
        "the workspace has uncommitted changes to `src/greet.js`, which baton/r/dev-01 changes too; commit or stash them first",
    });
    expect(read("src/greet.js")).toBe("the operator's own edit\n");

    git(dir, "checkout", "--quiet", "--", "src/greet.js");
    writeFileSync(path.join(dir, "README.md"), "# demo, edited meanwhile\n");
    expect(await mergeBranch(dir, { branch: a.branch, baseBranch: "main", message: "m" })).toMatchObject({
      status: "merged",
    });
    expect(read("src/greet.js")).toBe("changed by the agent\n");
    expect(read("README.md")).toBe("# demo, edited meanwhile\n");

    git(dir, "switch", "--quiet", "-c", "other");
    expect(await mergeBranch(dir, { branch: a.branch, baseBranch: "main", message: "m" })).toEqual({
      status: "refused",
      reason: "the workspace is on `other`, but baton/r/dev-01 merges into `main`; run `git switch main`",
    });
  });

  test("runs merges that arrive together one after the other", async () => {
    repo();
    const base = await isolationBase(dir);
    const ids = ["dev-01", "dev-02", "dev-03"];
    const trees = await Promise.all(
      ids.map((assignment) => createWorktree(dir, { runId: "r", assignment, baseCommit: base.commit })),
    );
    for (const [i, tree] of trees.entries()) {
      writeFileSync(path.join(dir, tree.dir, `file-${i}.txt`), `from ${ids[i]}\n`);
    }
    await Promise.all(trees.map((tree, i) => commitWorktree(dir, tree, ids[i] as string)));
    const merged = await Promise.all(
      trees.map((tree) =>
        mergeBranch(dir, { branch: tree.branch, baseBranch: "main", message: `Merge ${tree.branch}` }),
      ),
    );
    expect(merged.map((m) => m.status)).toEqual(["merged", "merged", "merged"]);
    expect(ids.map((_, i) => read(`file-${i}.txt`))).toEqual([
      "from dev-01\n",
      "from dev-02\n",
      "from dev-03\n",
    ]);
    await Promise.all(trees.map((tree) => removeWorktree(dir, tree, { deleteBranch: true })));
    expect(await listWorktrees(dir)).toEqual([]);
  });

  test("recreates a removed worktree from its branch without losing commits, and rejects ids git cannot use", async () => {
    repo();
    const base = await isolationBase(dir);
    const a = await createWorktree(dir, { runId: "r", assignment: "dev-01", baseCommit: base.commit });
    writeFileSync(path.join(dir, a.dir, "notes.md"), "kept\n");
    await commitWorktree(dir, a, "dev-01");
    await removeWorktree(dir, a, { deleteBranch: false });
    expect(existsSync(path.join(dir, a.dir))).toBe(false);
    const again = await createWorktree(dir, { runId: "r", assignment: "dev-01", baseCommit: base.commit });
    expect(again).toEqual(a);
    expect(readFileSync(path.join(dir, a.dir, "notes.md"), "utf8")).toBe("kept\n");
    // Asking twice returns the existing worktree.
    expect(await createWorktree(dir, { runId: "r", assignment: "dev-01", baseCommit: base.commit })).toEqual(
      a,
    );

    // An unmerged branch is never deleted, and a worktree with uncommitted work is kept unless discarded.
    writeFileSync(path.join(dir, a.dir, "draft.md"), "draft\n");
    const kept = await removeWorktree(dir, a, { deleteBranch: false }).catch((error: Error) => error.message);
    expect(kept).toMatch(/^git worktree failed: .*contains modified or untracked files/);
    expect(kept).not.toContain(dir); // no absolute path of the machine in a message
    await removeWorktree(dir, a, { deleteBranch: false, discard: true });
    await createWorktree(dir, { runId: "r", assignment: "dev-01", baseCommit: base.commit });
    await expect(removeWorktree(dir, a, { deleteBranch: true })).rejects.toThrow("git branch failed");
    expect(branches()).toContain(a.branch);

    expect(() => worktreeBranch("run 1", "dev")).toThrow("run id `run 1` cannot name a git branch");
    expect(() => worktreeBranch("run", "../dev")).toThrow("assignment id `../dev` cannot name a git branch");
    expect(worktreeBranch("run-1-i01", "developer-01")).toBe("baton/run-1-i01/developer-01");
  });
});
