import { mkdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Workspace } from "../../../src/config/workspace.js";
import { takeScopeBaseline } from "../../../src/engine/validate/index.js";
import type { CheckContext } from "../../../src/engine/validate/types.js";
import { git, gitRepo } from "../../helpers/git.js";
import { one, workspaceWith } from "./helpers.js";

function gitWorkspace(files: Record<string, string>): Workspace {
  const ws = workspaceWith(files);
  gitRepo(ws.root);
  return ws;
}

/** Moves a file's mtime so a same-size rewrite is still a change (no sleeps). */
function touch(ws: Workspace, file: string, content: string): void {
  const absolute = path.join(ws.root, file);
  writeFileSync(absolute, content);
  const later = new Date(Date.now() + 60_000);
  utimesSync(absolute, later, later);
}

async function scope(ws: Workspace, declared: string[], extra: Partial<CheckContext> = {}) {
  return one(ws, { check: "scope" }, { declaredDeliverables: new Set(declared), ...extra });
}

describe("scope in a git workspace", () => {
  it("takes HEAD as the baseline", async () => {
    const ws = gitWorkspace({ "README.md": "hello\n" });
    const baseline = await takeScopeBaseline(ws);
    expect(baseline).toEqual({ kind: "git", commit: git(ws.root, "rev-parse", "HEAD").trim(), dirty: {} });
  });

  it("passes when only declared deliverables changed", async () => {
    const ws = gitWorkspace({ "README.md": "hello\n", "stories/US-1.md": "story\n" });
    const scopeBaseline = await takeScopeBaseline(ws);
    touch(ws, "stories/US-1.md", "story, refined\n");
    writeFileSync(path.join(ws.root, "stories/US-1-requirements.md"), "new deliverable\n");
    expect(await scope(ws, ["stories/US-1.md", "stories/US-1-requirements.md"], { scopeBaseline })).toEqual({
      check: "scope",
      status: "passed",
      reason: "no file outside the declared deliverables changed",
    });
  });

  it("fails naming each undeclared file created, changed or deleted", async () => {
    const ws = gitWorkspace({ "README.md": "hello\n", "src/app.ts": "export {};\n", "old.txt": "x\n" });
    const scopeBaseline = await takeScopeBaseline(ws);
    touch(ws, "README.md", "hello, edited\n");
    writeFileSync(path.join(ws.root, "notes.txt"), "stray\n");
    rmSync(path.join(ws.root, "old.txt"));
    writeFileSync(path.join(ws.root, "report.md"), "declared\n");
    expect(await scope(ws, ["report.md"], { scopeBaseline })).toEqual({
      check: "scope",
      status: "failed",
      reason:
        "3 files outside the declared deliverables changed: README.md (modified), notes.txt (created), old.txt (deleted)",
      miss: { found: ["README.md", "notes.txt", "old.txt"] },
    });
  });

  it("sees changes that were committed after the baseline, and staged files", async () => {
    const ws = gitWorkspace({ "README.md": "hello\n" });
    const scopeBaseline = await takeScopeBaseline(ws);
    writeFileSync(path.join(ws.root, "committed.txt"), "c\n");
    git(ws.root, "add", "committed.txt");
    git(ws.root, "commit", "--quiet", "-m", "agent commit");
    writeFileSync(path.join(ws.root, "staged.txt"), "s\n");
    git(ws.root, "add", "staged.txt");
    expect((await scope(ws, [], { scopeBaseline })).reason).toBe(
      "2 files outside the declared deliverables changed: committed.txt (created), staged.txt (created)",
    );
  });

  it("does not blame files that were already changed before the baseline and not touched since", async () => {
    const ws = gitWorkspace({ "README.md": "hello\n" });
    writeFileSync(path.join(ws.root, "wip.txt"), "work in progress\n");
    touch(ws, "README.md", "edited before the iteration\n");
    const scopeBaseline = await takeScopeBaseline(ws);
    expect(scopeBaseline.kind === "git" && Object.keys(scopeBaseline.dirty ?? {}).sort()).toEqual([
      "README.md",
      "wip.txt",
    ]);
    expect((await scope(ws, [], { scopeBaseline })).status).toBe("passed");
    writeFileSync(path.join(ws.root, "wip.txt"), "work in progress, and more by the agent\n");
    expect((await scope(ws, [], { scopeBaseline })).reason).toBe(
      "1 file outside the declared deliverables changed: wip.txt (created)",
    );
  });

  it("ignores the iteration folder, .baton and git-ignored files", async () => {
    const ws = gitWorkspace({ ".gitignore": "build/\n", "README.md": "hello\n" });
    const scopeBaseline = await takeScopeBaseline(ws);
    writeFileSync(path.join(ws.root, ".gitignore"), "build/\n"); // unchanged content
    for (const file of ["iterations/run-1/01-x/CONTEXT.md", ".baton/baton.db", "build/out.js"]) {
      const absolute = path.join(ws.root, file);
      mkdirSync(path.dirname(absolute), { recursive: true });
      writeFileSync(absolute, "generated\n");
    }
    expect(
      (await scope(ws, [], { scopeBaseline, scopeIgnore: ["iterations/run-1/01-x/", ".baton/"] })).status,
    ).toBe("passed");
  });

  it("works when the workspace is a subfolder of the repository", async () => {
    const repo = gitWorkspace({ "ws/README.md": "hello\n", "other/file.txt": "x\n" });
    const { Workspace } = await import("../../../src/config/workspace.js");
    const ws = new Workspace(path.join(repo.root, "ws"));
    const scopeBaseline = await takeScopeBaseline(ws);
    touch(repo, "other/file.txt", "outside the workspace\n");
    writeFileSync(path.join(ws.root, "stray.md"), "x\n");
    expect((await scope(ws, [], { scopeBaseline })).reason).toBe(
      "1 file outside the declared deliverables changed: stray.md (created)",
    );
  });
});

describe("scope in a workspace without git (snapshot)", () => {
  it("takes a size/mtime snapshot as the baseline, without .baton and node_modules", async () => {
    const ws = workspaceWith({
      "a.txt": "a\n",
      "sub/b.txt": "bb\n",
      ".baton/baton.db": "db",
      "node_modules/x/index.js": "x",
    });
    const baseline = await takeScopeBaseline(ws);
    expect(baseline.kind).toBe("snapshot");
    expect(baseline.kind === "snapshot" && Object.keys(baseline.files).sort()).toEqual([
      "a.txt",
      "sub/b.txt",
    ]);
    expect(baseline.kind === "snapshot" && baseline.files["sub/b.txt"]?.size).toBe(3);
  });

  it("passes when only declared deliverables changed", async () => {
    const ws = workspaceWith({ "a.txt": "a\n", "out/report.md": "draft\n" });
    const scopeBaseline = await takeScopeBaseline(ws);
    touch(ws, "out/report.md", "final\n");
    writeFileSync(path.join(ws.root, "out/summary.md"), "new\n");
    expect((await scope(ws, ["out/report.md", "out/summary.md"], { scopeBaseline })).status).toBe("passed");
  });

  it("fails naming each undeclared file created, changed or deleted", async () => {
    const ws = workspaceWith({ "a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n" });
    const scopeBaseline = await takeScopeBaseline(ws);
    touch(ws, "a.txt", "A\n"); // same size, later mtime
    rmSync(path.join(ws.root, "b.txt"));
    writeFileSync(path.join(ws.root, "d.txt"), "d\n");
    writeFileSync(path.join(ws.root, "x.md"), "declared\n");
    expect(await scope(ws, ["x.md"], { scopeBaseline })).toEqual({
      check: "scope",
      status: "failed",
      reason:
        "3 files outside the declared deliverables changed: a.txt (modified), b.txt (deleted), d.txt (created)",
      miss: { found: ["a.txt", "b.txt", "d.txt"] },
    });
  });

  it("ignores the ignore prefixes", async () => {
    const ws = workspaceWith({ "a.txt": "a\n" });
    const scopeBaseline = await takeScopeBaseline(ws);
    for (const file of ["iterations/run/01-x/README.md", ".baton/baton.db"]) {
      const absolute = path.join(ws.root, file);
      mkdirSync(path.dirname(absolute), { recursive: true });
      writeFileSync(absolute, "generated\n");
    }
    expect((await scope(ws, [], { scopeBaseline, scopeIgnore: ["iterations/run/01-x/"] })).status).toBe(
      "passed",
    );
  });

  it("is skipped without a baseline", async () => {
    const ws = workspaceWith({ "a.txt": "a\n" });
    expect(await scope(ws, [])).toEqual({
      check: "scope",
      status: "skipped",
      reason: "no scope baseline was recorded for this iteration, so changed files cannot be told apart",
    });
  });
});
