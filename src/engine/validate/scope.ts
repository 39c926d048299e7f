import { execFile } from "node:child_process";
import { lstatSync } from "node:fs";
import path from "node:path";
import type { Workspace } from "../../config/workspace.js";
import { loadFastGlob } from "../lazy.js";
import type { CheckContext, CheckResult, FileSnapshot, ScopeBaseline } from "./results.js";

export type { ScopeBaseline };

/** Never part of scope: Baton's own state, git's, and installed dependencies. */
const ALWAYS_IGNORED = [".baton", ".git"];
const WALK_IGNORE = [".git/**", "**/.git/**", "**/node_modules/**", ".baton/**"];

type Change = "created" | "modified" | "deleted";

function git(workspace: Workspace, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      {
        cwd: workspace.root,
        maxBuffer: 256 * 1024 * 1024,
        // Read-only: do not take index.lock while the user or an agent runs git meanwhile.
        env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0]} failed: ${(stderr || error.message).trim()}`));
        else resolve(stdout);
      },
    );
  });
}

/** Files git sees as created, changed or deleted against `commit`, relative to the workspace. */
async function gitChanges(workspace: Workspace, commit: string): Promise<Map<string, Change>> {
  const [diff, untracked] = await Promise.all([
    git(workspace, ["diff", "--name-status", "--no-renames", "--relative", "-z", commit, "--"]),
    git(workspace, ["ls-files", "--others", "--exclude-standard", "-z"]),
  ]);
  const changes = new Map<string, Change>();
  const fields = diff.split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i] as string;
    const file = fields[i + 1] as string;
    if (file === "") continue;
    changes.set(file, status.startsWith("A") ? "created" : status.startsWith("D") ? "deleted" : "modified");
  }
  for (const file of untracked.split("\0")) if (file !== "") changes.set(file, "created");
  return changes;
}

/** Size and mtime of the given files; a missing file is recorded as size -1. */
function statFiles(workspace: Workspace, files: Iterable<string>): FileSnapshot {
  const snapshot: FileSnapshot = {};
  for (const file of files) {
    const stat = lstatSync(path.join(workspace.root, file), { throwIfNoEntry: false });
    snapshot[file] = stat ? { size: stat.size, mtimeMs: stat.mtimeMs } : { size: -1, mtimeMs: 0 };
  }
  return snapshot;
}

/** Size and mtime of every file of the workspace but .git, node_modules, .baton and `ignore` prefixes. */
async function walkSnapshot(workspace: Workspace, ignore: readonly string[] = []): Promise<FileSnapshot> {
  const entries = await loadFastGlob()("**", {
    cwd: workspace.root,
    ignore: [...WALK_IGNORE, ...ignore.map((p) => `${loadFastGlob().escapePath(p)}/**`)],
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    stats: true,
  });
  const files: FileSnapshot = {};
  for (const e of entries) if (e.stats) files[e.path] = { size: e.stats.size, mtimeMs: e.stats.mtimeMs };
  return files;
}

/**
 * What the workspace looks like when an iteration is materialized: in a git repository, HEAD plus
 * the size/mtime of the files already changed or untracked then; otherwise a size/mtime snapshot
 * of every file (without .git, node_modules and .baton). Store it with the iteration.
 */
export async function takeScopeBaseline(workspace: Workspace): Promise<ScopeBaseline> {
  let commit: string;
  try {
    commit = (await git(workspace, ["rev-parse", "--verify", "--quiet", "HEAD"])).trim();
  } catch {
    return { kind: "snapshot", files: await walkSnapshot(workspace) };
  }
  const dirty = await gitChanges(workspace, commit);
  return { kind: "git", commit, dirty: statFiles(workspace, dirty.keys()) };
}

function same(
  a: { size: number; mtimeMs: number } | undefined,
  b: { size: number; mtimeMs: number } | undefined,
) {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Files created, changed or deleted since the baseline (ignored prefixes already left out of the walk). */
async function changedSince(
  workspace: Workspace,
  baseline: ScopeBaseline,
  ignore: readonly string[],
): Promise<Map<string, Change>> {
  if (baseline.kind === "git") {
    const changes = await gitChanges(workspace, baseline.commit);
    const dirty = baseline.dirty ?? {};
    const now = statFiles(
      workspace,
      [...changes.keys()].filter((f) => f in dirty),
    );
    for (const file of Object.keys(now)) if (same(dirty[file], now[file])) changes.delete(file);
    return changes;
  }
  const now = await walkSnapshot(workspace, ignore);
  const changes = new Map<string, Change>();
  for (const [file, after] of Object.entries(now)) {
    const before = baseline.files[file];
    if (!before) changes.set(file, "created");
    else if (!same(before, after)) changes.set(file, "modified");
  }
  for (const file of Object.keys(baseline.files)) if (!(file in now)) changes.set(file, "deleted");
  return changes;
}

const SHOWN = 20;

/** `scope`: no file outside the declared deliverables was created, changed or deleted since the baseline. */
export async function scopeCheck(ctx: CheckContext): Promise<CheckResult> {
  if (!ctx.scopeBaseline) {
    return {
      check: "scope",
      status: "skipped",
      reason: "no scope baseline was recorded for this iteration, so changed files cannot be told apart",
    };
  }
  const prefixes = [...ALWAYS_IGNORED, ...ctx.scopeIgnore]
    .map((p) => p.replace(/^(\.\/)+/, "").replace(/\/+$/, ""))
    .filter((p) => p !== "" && p !== ".");
  const ignored = (file: string) =>
    prefixes.some((p) => file === p || file.startsWith(`${p}/`)) || file.split("/").includes("node_modules");
  const declared = new Set([...ctx.declaredDeliverables].map((f) => f.replace(/^(\.\/)+/, "")));
  let changes: Map<string, Change>;
  try {
    changes = await changedSince(ctx.workspace, ctx.scopeBaseline, prefixes);
  } catch (error) {
    return {
      check: "scope",
      status: "failed",
      reason: `cannot tell which files changed: ${(error as Error).message}`,
    };
  }
  const outside = [...changes]
    .filter(([file]) => !declared.has(file) && !ignored(file))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (outside.length === 0) {
    return { check: "scope", status: "passed", reason: "no file outside the declared deliverables changed" };
  }
  const shown = outside
    .slice(0, SHOWN)
    .map(([file, change]) => `${file} (${change})`)
    .join(", ");
  const more = outside.length > SHOWN ? `, and ${outside.length - SHOWN} more` : "";
  const count = outside.length === 1 ? "1 file" : `${outside.length} files`;
  return {
    check: "scope",
    status: "failed",
    reason: `${count} outside the declared deliverables changed: ${shown}${more}`,
    miss: { found: outside.slice(0, SHOWN).map(([file]) => file) },
  };
}
