import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import type { AssignmentRecord } from "../store/records.js";
import type { EngineContext } from "./engine.js";

/**
 * Recovery from a crash inside generate_prompts, which commits the assignments and then writes
 * their prompts: a process killed in between leaves assignments without prompt files (and maybe a
 * `<file>.<pid>.<hex>.tmp` of writeFileAtomic). Claims never hand such an assignment out (claim.ts
 * undoes the claim), and generate_prompts writes the missing prompts even when other assignments
 * of the iteration are already in progress.
 */

/** A temp file of writeFileAtomic: `<file>.<pid>.<8 hex>.tmp`. */
const TEMP = /\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Removes writeFileAtomic temp files left in `dir` by processes that no longer run. */
export function cleanStrayTemps(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // no folder yet: nothing left behind
  }
  for (const name of names) {
    const pid = TEMP.exec(name)?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    // A first generation's temp prompt folder is one of them (prompt-stager.ts).
    rmSync(path.join(dir, name), { force: true, recursive: true });
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true; // ours belong to a generation still writing (its abort removes them)
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by someone else
  }
}

/** Whether the assignment's prompt file is there to be read. */
export function promptExists(ctx: EngineContext, promptPath: string): boolean {
  return ctx.workspace.statFile(promptPath) !== undefined;
}

/**
 * When an iteration already has assignments in progress and some have no prompt file (generation
 * was interrupted), the local ids whose prompts are missing: generate then writes just those from
 * the fresh plan and keeps the assignments and their progress. Undefined when the normal
 * regeneration applies.
 */
export function missingPrompts(
  ctx: EngineContext,
  existing: readonly AssignmentRecord[],
): Set<string> | undefined {
  if (!existing.some((a) => a.state !== "pending" || a.attempts > 0)) return undefined;
  const missing = existing.filter((a) => !promptExists(ctx, a.prompt_path)).map((a) => a.local_id);
  return missing.length > 0 ? new Set(missing) : undefined;
}

/** Refuses the repair when a missing prompt's assignment is no longer in the fresh plan. */
export function refuseUnplanned(missing: ReadonlySet<string>, planned: ReadonlySet<string>): void {
  const unknown = [...missing].filter((id) => !planned.has(id));
  if (unknown.length > 0) {
    throw new UserError(
      `the prompts of ${unknown.join(", ")} are missing and the workflow no longer plans them; ` +
        "finish or fail the assignments in progress, then regenerate",
    );
  }
}
