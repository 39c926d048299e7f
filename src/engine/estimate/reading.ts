import { spawn } from "node:child_process";
import { FileTooLargeError, unsafePathReason, type Workspace } from "../../config/workspace.js";
import type { BaseContext } from "../context.js";
import { loadFastGlob } from "../lazy.js";
import type { UpstreamWork } from "../prompt-parts.js";
import { TARGET_IGNORE } from "../targets.js";

/**
 * What an agent's prompt tells it to read, counted with the same o200k tokenizer as the prompt:
 * the iteration's CONTEXT.md, the references, the run inputs that name files, a folder or a git
 * change, the assignment's targets, the upstream deliverables it lists and workspace files its
 * task names in backticks. Only what exists is counted; a missing reference is reported. Counts
 * are kept per path (an iteration's prompts share most of their reading), file contents are
 * dropped as soon as they are counted, and every list has a cap, so memory stays bounded however
 * long the read list is.
 */

export type ReadKind = "context" | "reference" | "input" | "diff" | "target" | "upstream" | "task";

export interface ReadItem {
  path: string;
  kind: ReadKind;
  tokens: number;
  /** How the count was made when it is not an exact count of the whole file. */
  note?: string;
}

export interface MissingRead {
  path: string;
  kind: ReadKind;
  reason: string;
}

/** An assignment's reading as the manifest lists it. */
export interface Reading {
  tokens: number;
  items: ReadItem[];
  /** Items counted in `tokens` but not listed (beyond READ_LIST_LIMIT). */
  unlisted?: { items: number; tokens: number };
  missing?: MissingRead[];
}

/** Files larger than this are not read: their tokens are estimated from their size. */
export const COUNT_BYTES_LIMIT = 4 * 1024 * 1024;
/** o200k averages about 4 bytes per token on English prose and code. */
const BYTES_PER_TOKEN = 4;
/** Files of a folder input counted; the rest are reported, not read. */
export const FOLDER_FILES_LIMIT = 200;
/** Read items listed per assignment in the manifest; the rest are summed in `unlisted`. */
export const READ_LIST_LIMIT = 50;
/** Distinct paths whose counts are remembered; beyond this the cache starts over. */
const CACHE_LIMIT = 50_000;

type CountText = (text: string) => number;
/** A file's count, or why it could not be counted. */
export type Counted = { tokens: number; note?: string } | { missing: string };

/** References (or other paths) that are not files in the workspace. */
export function missingFiles(workspace: Workspace, paths: readonly string[]): string[] {
  return paths.filter((p) => unsafePathReason(p) !== null || !workspace.statFile(p));
}

export interface IterationReading {
  /** Read by every assignment: CONTEXT.md, references, inputs, the git change. */
  readonly shared: readonly ReadItem[];
  readonly sharedTokens: number;
  readonly sharedMissing: readonly MissingRead[];
  /** References declared (by the workflow or a learning) that are not in the workspace. */
  readonly missingReferences: readonly string[];
  /** Tokens an assignment reads besides the shared items for one target: its upstream files. */
  upstreamTokens(target: string, upstream: readonly UpstreamWork[]): number;
  /** Everything one assignment reads; targets come with the counts already made of them. */
  forAssignment(parts: {
    targets: readonly { path: string; tokens: number }[];
    upstream: readonly UpstreamWork[];
    task?: string;
  }): Reading;
}

/**
 * Counts the reading shared by an iteration's prompts; per-assignment parts are counted on demand.
 * `contextText` is CONTEXT.md as rendered for this generation (it may not be written yet).
 */
export async function iterationReading(
  workspace: Workspace,
  base: BaseContext,
  contextText: string,
  countText: CountText,
): Promise<IterationReading> {
  const cache = new Map<string, Counted>();
  const countFile = (path: string): Counted => {
    let counted = cache.get(path);
    if (counted === undefined) {
      counted = countWorkspaceFile(workspace, path, countText);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(path, counted);
    }
    return counted;
  };

  const inFolders = new Set<string>();
  const shared: ReadItem[] = [{ path: base.files.context, kind: "context", tokens: countText(contextText) }];
  const sharedMissing: MissingRead[] = [];
  const add = (path: string, kind: ReadKind) => {
    const counted = countFile(path);
    if ("missing" in counted) sharedMissing.push({ path, kind, reason: counted.missing });
    else shared.push({ path, kind, ...counted });
  };
  for (const ref of base.context.references) add(ref, "reference");
  for (const input of base.run.inputs_list) {
    if (input.type === "file") add(input.value, "input");
    if (input.type === "folder") {
      // One item for the folder: its files are summed (and remembered, so none is counted twice).
      const { files, total } = await folderFiles(workspace, input.value);
      let tokens = 0;
      for (const file of files) {
        const counted = countFile(file);
        if ("missing" in counted) continue;
        tokens += counted.tokens;
        inFolders.add(file);
      }
      if (total === 0)
        sharedMissing.push({ path: input.value, kind: "input", reason: "no readable file in this folder" });
      else
        shared.push({
          path: `${input.value.replace(/\/+$/, "")}/`,
          kind: "input",
          tokens,
          note:
            total > files.length
              ? `the first ${files.length} of ${total} files counted`
              : `${files.length} file(s)`,
        });
    }
  }
  const diff = base.run.git_diff;
  if (diff) {
    const counted = await countGitDiff(workspace.root, diff.base, diff.head, countText);
    if ("missing" in counted)
      sharedMissing.push({ path: diff.command, kind: "diff", reason: counted.missing });
    else shared.push({ path: diff.command, kind: "diff", ...counted });
  }
  const sharedPaths = new Set([...shared.map((i) => i.path), ...inFolders]);
  const sharedTokens = shared.reduce((s, i) => s + i.tokens, 0);
  const missingReferences = sharedMissing.filter((m) => m.kind === "reference").map((m) => m.path);

  const fileTokens = (path: string) => {
    const counted = countFile(path);
    return "missing" in counted ? 0 : counted.tokens;
  };

  return {
    shared,
    sharedTokens,
    sharedMissing,
    missingReferences,
    upstreamTokens(target, upstream) {
      let total = 0;
      for (const u of upstream)
        for (const file of u.files) if (file !== target && !sharedPaths.has(file)) total += fileTokens(file);
      return total;
    },
    forAssignment({ targets, upstream, task }) {
      const seen = new Set(sharedPaths);
      const items: ReadItem[] = [...shared];
      const missing: MissingRead[] = [...sharedMissing];
      for (const t of targets) {
        if (seen.has(t.path)) continue;
        seen.add(t.path);
        items.push({ path: t.path, kind: "target", tokens: t.tokens });
      }
      const addFile = (path: string, kind: ReadKind, reportMissing: boolean) => {
        if (seen.has(path)) return;
        seen.add(path);
        const counted = countFile(path);
        if (!("missing" in counted)) items.push({ path, kind, ...counted });
        else if (reportMissing) missing.push({ path, kind, reason: counted.missing });
      };
      // Upstream files an earlier iteration has not written yet are not reading (nor an error).
      for (const u of upstream) for (const file of u.files) addFile(file, "upstream", false);
      for (const file of mentionedPaths(task)) if (workspace.statFile(file)) addFile(file, "task", false);
      const tokens = items.reduce((s, i) => s + i.tokens, 0);
      const listed = items.slice(0, READ_LIST_LIMIT);
      const rest = items.slice(READ_LIST_LIMIT);
      return {
        tokens,
        items: listed,
        ...(rest.length > 0
          ? { unlisted: { items: rest.length, tokens: rest.reduce((s, i) => s + i.tokens, 0) } }
          : {}),
        ...(missing.length > 0 ? { missing } : {}),
      };
    },
  };
}

/** Backticked workspace paths in a task text (`docs/api.md`), without globs or placeholders. */
function mentionedPaths(task: string | undefined): string[] {
  if (!task) return [];
  const paths = [...task.matchAll(/`([^`\s]+)`/g)].map((m) => m[1] as string);
  return paths.filter((p) => /[./]/.test(p) && !/[*?[\]{}<>]/.test(p) && unsafePathReason(p) === null);
}

/**
 * One file's tokens through the guarded read; a file over the limit is estimated from its size
 * (the read measures it first and reads nothing then). A file that cannot be read is looked at
 * again only to say why: the usual file costs one open, no `stat` before it.
 */
export function countWorkspaceFile(workspace: Workspace, path: string, countText: CountText): Counted {
  const unsafe = unsafePathReason(path);
  if (unsafe) return { missing: `the path ${unsafe}` };
  try {
    return {
      tokens: countText(workspace.readText(path, { maxBytes: COUNT_BYTES_LIMIT, what: "read item" })),
    };
  } catch (error) {
    if (error instanceof FileTooLargeError)
      return {
        tokens: Math.ceil(error.size / BYTES_PER_TOKEN),
        note: `${error.size} bytes: estimated at ${BYTES_PER_TOKEN} bytes per token, not read`,
      };
    if (!statOrNothing(workspace, path)) return { missing: "not a file in the workspace" };
    return { missing: error instanceof Error ? error.message : String(error) };
  }
}

function statOrNothing(workspace: Workspace, path: string): ReturnType<Workspace["statFile"]> {
  try {
    return workspace.statFile(path);
  } catch {
    return undefined;
  }
}

/** Files of a folder input, in a stable order, at most FOLDER_FILES_LIMIT of them (and how many there are). */
async function folderFiles(
  workspace: Workspace,
  folder: string,
): Promise<{ files: string[]; total: number }> {
  const trimmed = folder.replace(/\/+$/, "");
  if (unsafePathReason(trimmed) !== null) return { files: [], total: 0 };
  try {
    workspace.resolveForAgents(trimmed, "folder input");
  } catch {
    return { files: [], total: 0 };
  }
  const glob = loadFastGlob();
  const entries = await glob(`${glob.escapePath(trimmed)}/**`, {
    cwd: workspace.root,
    ignore: TARGET_IGNORE,
    onlyFiles: true,
    dot: false,
    followSymbolicLinks: false,
  });
  entries.sort();
  return { files: entries.slice(0, FOLDER_FILES_LIMIT), total: entries.length };
}

/**
 * Tokens of `git diff base...head`: the first COUNT_BYTES_LIMIT bytes are counted, the rest only
 * measured and estimated at the same tokens per byte, so a huge change never sits in memory.
 */
function countGitDiff(root: string, base: string, head: string, countText: CountText): Promise<Counted> {
  return new Promise((resolve) => {
    // Refs were checked when the run started (no leading `-`); `--` ends them anyway.
    const child = spawn("git", ["diff", `${base}...${head}`, "--"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
    });
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let extraBytes = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const room = COUNT_BYTES_LIMIT - keptBytes;
      if (room > 0) {
        const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
        kept.push(part);
        keptBytes += part.length;
        extraBytes += chunk.length - part.length;
      } else extraBytes += chunk.length;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString();
    });
    child.on("error", (error) => resolve({ missing: `git could not run: ${error.message}` }));
    child.on("close", (code) => {
      if (code !== 0) {
        const line = stderr.trim().split("\n")[0] ?? "";
        resolve({ missing: `git diff failed${line ? `: ${line}` : ""}` });
        return;
      }
      const text = Buffer.concat(kept).toString("utf8");
      const tokens = countText(text);
      if (extraBytes === 0) resolve({ tokens });
      else
        resolve({
          tokens: tokens + Math.round((extraBytes * tokens) / Math.max(1, keptBytes)),
          note: `${keptBytes + extraBytes} bytes: the first ${keptBytes} counted, the rest estimated at the same rate`,
        });
    });
  });
}
