import { createHash } from "node:crypto";
import { closeSync, fstatSync, readSync } from "node:fs";
import { patternMatcher } from "../config/placeholders.js";
import type { DeliverableBaseline } from "../store/records.js";
import type { EngineContext } from "./engine.js";
import { presenceIndex } from "./presence.js";
import type { IterationBundle } from "./resolve.js";
import type { CheckResult } from "./validate/types.js";

/**
 * Freshness: a deliverable must have been written in its iteration. When an iteration's
 * assignments are made, each deliverable that already exists (left by an earlier run or iteration)
 * is recorded as a baseline: the sha256 of its content and its mtime. Validation fails a
 * deliverable whose content still hashes to its baseline. Content, not mtime, decides: a `touch`,
 * a checkout or an identical rewrite is not new work, and a clock or copy that preserves mtimes
 * cannot make old work look new. A deliverable with no baseline did not exist then, so existing
 * now means it was written since. Agents (or whole iterations) that update files in place and may
 * legitimately leave them as they were set `update_in_place: true`.
 */

/**
 * What validation knows of a deliverable relative to its baseline: `touched` is the same content
 * with another mtime (rewritten identically, or touched), which only an in-place agent may deliver.
 */
export type Freshness = "absent" | "unchanged" | "touched" | "written";

const CHUNK = 1024 * 1024;

/** The file's content hash and mtime, or undefined when it is not a regular file in the workspace. */
function fingerprint(ctx: EngineContext, file: string): { hash: string; mtime_ms: number } | undefined {
  let fd: number | undefined;
  try {
    fd = ctx.workspace.openInside(file, "file"); // undefined: the file opened lies outside the workspace
  } catch {
    return undefined; // most deliverables do not exist yet when baselines are taken
  }
  if (fd === undefined) return undefined;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const hash = createHash("sha256");
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, stat.size)));
    let offset = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      offset += n;
    }
    return { hash: hash.digest("hex"), mtime_ms: Math.round(stat.mtimeMs) };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function isFile(ctx: EngineContext, file: string): boolean {
  return ctx.workspace.statFile(file) !== undefined;
}

/** Records the baseline of every deliverable that exists now (called when assignments are made). */
export function recordBaselines(
  ctx: EngineContext,
  iterationId: string,
  deliverables: readonly string[],
): void {
  const baselines: DeliverableBaseline[] = [];
  const files = new Set(deliverables);
  const present = presenceIndex(ctx.workspace.root, files);
  for (const file of files) {
    const print = present(file) ? fingerprint(ctx, file) : undefined;
    if (print) baselines.push({ path: file, ...print });
  }
  ctx.store.addBaselines(iterationId, baselines);
}

/**
 * Freshness of deliverables against the iteration's baselines, looked up lazily and once per file:
 * only files with a baseline are hashed, and a file without one is only `stat`ed when a caller asks
 * (whether a never-started assignment was worked on); the checks open every deliverable anyway.
 */
export function freshnessOf(
  ctx: EngineContext,
  baselines: ReadonlyMap<string, DeliverableBaseline>,
): FreshnessOf {
  const known = new Map<string, Freshness>();
  return (file) => {
    let state = known.get(file);
    if (state === undefined) {
      state = measure(ctx, file, baselines.get(file));
      known.set(file, state);
    }
    return state;
  };
}

/** A deliverable's freshness, measured on first ask. */
export type FreshnessOf = (file: string) => Freshness;

function measure(ctx: EngineContext, file: string, baseline: DeliverableBaseline | undefined): Freshness {
  if (!baseline) return isFile(ctx, file) ? "written" : "absent";
  const print = fingerprint(ctx, file);
  if (!print) return "absent";
  if (print.hash !== baseline.hash) return "written";
  return print.mtime_ms === baseline.mtime_ms ? "unchanged" : "touched";
}

/** Whether a deliverable may stay as it was: its agent, or its whole iteration, updates in place. */
export function inPlaceMatcher({ run, spec }: IterationBundle): (file: string) => boolean {
  if (spec.update_in_place) return () => true;
  const matchers = spec.agents
    .filter((agent) => agent.update_in_place)
    .flatMap((agent) => agent.deliverables.map((p) => patternMatcher(p, run.inputs)));
  return (file) => matchers.some((matches) => matches(file));
}

/**
 * Whether someone worked on these deliverables in this iteration: one was written, or (for an
 * in-place agent, whose work may leave the content as it was) rewritten or touched.
 */
export function anyWorkOn(
  files: readonly string[],
  freshness: FreshnessOf,
  inPlace: (file: string) => boolean,
): boolean {
  return files.some((file) => {
    const state = freshness(file);
    return state === "written" || (state === "touched" && inPlace(file));
  });
}

/** A failure for each deliverable that exists but was not written in this iteration. */
export function staleResults(
  files: readonly string[],
  freshness: FreshnessOf,
  baselines: ReadonlyMap<string, DeliverableBaseline>,
  inPlace: (file: string) => boolean,
): CheckResult[] {
  if (baselines.size === 0) return []; // nothing existed when the iteration was made
  return [...new Set(files)].flatMap((file): CheckResult[] => {
    const baseline = baselines.get(file);
    if (!baseline) return [];
    const state = freshness(file);
    if ((state !== "unchanged" && state !== "touched") || inPlace(file)) return [];
    return [
      {
        check: "implicit:fresh",
        file,
        status: "failed",
        reason:
          `${file}: not written in this iteration (unchanged since ${new Date(baseline.mtime_ms).toISOString()}); ` +
          "write it, or mark its agent `update_in_place: true` if it may stay as it is",
        miss: { expected: "written in this iteration", found: "unchanged" },
      },
    ];
  });
}
