import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import type { AssignmentRecord } from "../store/records.js";
import type { EngineContext } from "./engine.js";
import { writeFileAtomic } from "./files.js";

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
    rmSync(path.join(dir, name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true; // our own writes are synchronous: none is half done here
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
 * was interrupted), writes just those prompts from the fresh plan and returns true; the assignments
 * and their progress are kept. Returns false when the normal regeneration applies.
 */
export function writeMissingPrompts(
  ctx: EngineContext,
  existing: readonly AssignmentRecord[],
  planned: readonly { local_id: string; prompt: string }[],
): boolean {
  if (!existing.some((a) => a.state !== "pending" || a.attempts > 0)) return false;
  const missing = existing.filter((a) => !promptExists(ctx, a.prompt_path));
  if (missing.length === 0) return false;
  const prompts = new Map(planned.map((p) => [p.local_id, p.prompt]));
  const unknown = missing.filter((a) => !prompts.has(a.local_id));
  if (unknown.length > 0) {
    throw new UserError(
      `the prompts of ${unknown.map((a) => a.local_id).join(", ")} are missing and the workflow no longer plans them; ` +
        "finish or fail the assignments in progress, then regenerate",
    );
  }
  for (const a of missing)
    writeFileAtomic(ctx.workspace.resolve(a.prompt_path), prompts.get(a.local_id) ?? "");
  return true;
}
