import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fg from "fast-glob";
import type { Workspace } from "../../config/workspace.js";
import type { CheckContext, CheckResult, FileSnapshot } from "./types.js";

const run = promisify(execFile);

export type ScopeBaseline = NonNullable<CheckContext["scopeBaseline"]>;

async function git(workspace: Workspace, args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd: workspace.root, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

const split = (z: string) => z.split("\0").filter(Boolean);

/** Files git sees as changed against `commit` or untracked, relative to the workspace. */
async function gitChanges(workspace: Workspace, commit: string): Promise<string[]> {
  const [changed, untracked] = await Promise.all([
    git(workspace, ["diff", "--relative", "--name-only", "-z", commit]),
    git(workspace, ["ls-files", "--others", "--exclude-standard", "-z"]),
  ]);
  return [...new Set([...split(changed), ...split(untracked)])];
}

/** Size and mtime of every file (git's ignore list aside: no .git, node_modules, .baton). */
async function snapshot(workspace: Workspace, only?: readonly string[]): Promise<FileSnapshot> {
  const entries = await fg(only ? [...only] : "**", {
    cwd: workspace.root,
    ignore: ["**/.git/**", "**/node_modules/**", "**/.baton/**"],
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    stats: true,
  });
  const files: FileSnapshot = {};
  for (const e of entries)
    if (e.stats) files[e.path] = { size: e.stats.size, mtimeMs: Math.round(e.stats.mtimeMs) };
  return files;
}

/**
 * What the workspace looks like when an iteration is materialized: git's HEAD (plus the files
 * already dirty then) in a repository, otherwise a size/mtime snapshot of every file.
 */
export async function takeScopeBaseline(workspace: Workspace): Promise<ScopeBaseline> {
  try {
    const commit = (await git(workspace, ["rev-parse", "--verify", "HEAD"])).trim();
    const dirty = await gitChanges(workspace, commit);
    return { kind: "git", commit, dirty: await snapshot(workspace, dirty.map(escapeGlob)) };
  } catch {
    return { kind: "snapshot", files: await snapshot(workspace) };
  }
}

function escapeGlob(file: string): string {
  return fg.escapePath(file);
}

/** Files created or changed since the baseline, excluding ignored prefixes. */
async function changedSince(workspace: Workspace, baseline: ScopeBaseline): Promise<string[]> {
  if (baseline.kind === "git") {
    const changes = await gitChanges(workspace, baseline.commit);
    const now = await snapshot(workspace, changes.map(escapeGlob));
    return changes.filter((f) => {
      const before = baseline.dirty[f];
      const after = now[f];
      return !(before && after && before.size === after.size && before.mtimeMs === after.mtimeMs);
    });
  }
  const now = await snapshot(workspace);
  const changed = Object.keys(now).filter((f) => {
    const before = baseline.files[f];
    const after = now[f];
    return !before || !after || before.size !== after.size || before.mtimeMs !== after.mtimeMs;
  });
  const deleted = Object.keys(baseline.files).filter((f) => !(f in now));
  return [...changed, ...deleted];
}

/** `scope`: nothing outside the declared deliverables was created, changed or deleted. */
export async function scopeCheck(ctx: CheckContext): Promise<CheckResult> {
  if (!ctx.scopeBaseline) {
    return {
      check: "scope",
      status: "skipped",
      reason: "no scope baseline was recorded for this iteration (it predates scope tracking)",
    };
  }
  const outside = (await changedSince(ctx.workspace, ctx.scopeBaseline))
    .filter((f) => !ctx.declaredDeliverables.has(f) && !ctx.scopeIgnore.some((p) => f.startsWith(p)))
    .sort();
  if (outside.length === 0) {
    return { check: "scope", status: "passed", reason: "no file outside the declared deliverables changed" };
  }
  const shown = outside.slice(0, 20).join(", ");
  return {
    check: "scope",
    status: "failed",
    reason: `${outside.length} file(s) outside the declared deliverables changed: ${shown}${outside.length > 20 ? ", …" : ""}`,
  };
}
