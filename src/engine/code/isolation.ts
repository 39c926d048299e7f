import path from "node:path";
import { Workspace } from "../../config/workspace.js";
import { UserError } from "../../errors.js";
import type { AssignmentRecord, IterationRecord } from "../../store/records.js";
import type { EngineContext } from "../engine.js";
import type { CheckResult } from "../validate/types.js";
import {
  commitWorktree,
  createWorktree,
  mergeBranch,
  removeWorktree,
  syncWithBase,
  type Worktree,
  worktreeBranch,
  worktreeDir,
} from "./worktrees.js";

/**
 * Worktree isolation wired into the engine (`isolation: worktree`): each assignment of an isolated
 * iteration works in its own git worktree, its checks run there, and a passed assignment is
 * committed and merged into the branch recorded when the iteration was created. The workspace's
 * working tree changes only through those merges.
 */

/** The check name a merge conflict is reported under (rework prompts and validation reports). */
export const MERGE_CHECK = "merge";

export function isIsolated(iteration: IterationRecord): boolean {
  return iteration.isolation_branch !== null && iteration.isolation_commit !== null;
}

/**
 * An assignment's name within its run, `i01/developer-01`: two iterations of one run (parallel
 * ones of a plan) may both have a developer-01, and each needs its own worktree and branch.
 */
export function worktreeName(iterationSeq: number, localId: string): string {
  return `i${String(iterationSeq).padStart(2, "0")}/${localId}`;
}

function worktreeOf(iteration: IterationRecord, a: Pick<AssignmentRecord, "local_id">): Worktree {
  const name = worktreeName(iteration.seq, a.local_id);
  return { dir: worktreeDir(iteration.run_id, name), branch: worktreeBranch(iteration.run_id, name) };
}

/** The assignment's working folder, workspace-relative; undefined when its iteration is not isolated. */
export function workdirOf(
  iteration: IterationRecord,
  a: Pick<AssignmentRecord, "local_id">,
): string | undefined {
  return isIsolated(iteration) ? worktreeOf(iteration, a).dir : undefined;
}

/**
 * Creates the worktree of every assignment that has none yet, from the iteration's base commit.
 * A branch left by an earlier generation (a conflict waiting for rework) is reused, never reset.
 */
export async function createWorktrees(
  ctx: EngineContext,
  iteration: IterationRecord,
  assignments: readonly Pick<AssignmentRecord, "local_id">[],
): Promise<void> {
  if (!isIsolated(iteration)) return;
  for (const a of assignments) {
    await createWorktree(ctx.workspace.root, {
      runId: iteration.run_id,
      assignment: worktreeName(iteration.seq, a.local_id),
      baseCommit: iteration.isolation_commit as string,
    });
  }
}

/**
 * Removes the worktrees and branches of an earlier generation's assignments that a regenerated
 * plan no longer has (only before any claim). One holding uncommitted files is left as it is.
 */
export async function dropWorktrees(
  ctx: EngineContext,
  iteration: IterationRecord,
  assignments: readonly Pick<AssignmentRecord, "local_id">[],
): Promise<void> {
  if (!isIsolated(iteration)) return;
  for (const a of assignments) {
    try {
      await removeWorktree(ctx.workspace.root, worktreeOf(iteration, a), { deleteBranch: true });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
    }
  }
}

/**
 * The workspace an assignment's checks run in: its worktree while isolated work is unmerged, else
 * the workspace (a passed assignment's worktree is gone, its work merged there).
 */
export function checkWorkspace(
  ctx: EngineContext,
  iteration: IterationRecord,
  a: Pick<AssignmentRecord, "local_id" | "state">,
): Workspace {
  if (!isIsolated(iteration) || a.state === "passed") return ctx.workspace;
  const { dir, branch } = worktreeOf(iteration, a);
  try {
    return new Workspace(path.join(ctx.workspace.root, ...dir.split("/")));
  } catch {
    // Its branch holds everything committed there (a conflict's merge); only unsaved files went with the folder.
    throw new UserError(
      `the worktree \`${dir}\` of assignment ${a.local_id} is missing; restore it with \`git worktree prune && git worktree add ${dir} ${branch}\``,
    );
  }
}

/** The worktree an unmerged isolated assignment writes in, or undefined (not isolated, merged, or missing). */
export function worktreeWorkspace(
  ctx: EngineContext,
  iteration: IterationRecord,
  a: Pick<AssignmentRecord, "local_id" | "state">,
): Workspace | undefined {
  if (!isIsolated(iteration) || a.state === "passed") return undefined;
  try {
    return checkWorkspace(ctx, iteration, a);
  } catch {
    return undefined;
  }
}

/**
 * Commits a passed assignment's worktree and merges its branch into the base branch. Returns
 * undefined when merged (worktree and branch removed), or a failed `merge` result for the rework
 * prompt: on a conflict the base branch is brought into the worktree with conflict markers, the
 * branch stays, and the reason names the files and the assignment whose merge came first.
 */
export async function mergeAssignment(
  ctx: EngineContext,
  iteration: IterationRecord,
  a: AssignmentRecord,
): Promise<CheckResult | undefined> {
  const root = ctx.workspace.root;
  const worktree = worktreeOf(iteration, a);
  const base = iteration.isolation_branch as string;
  const refs = { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: a.id };
  try {
    await commitWorktree(root, worktree, `${a.local_id}: ${iteration.name} (Baton ${iteration.id})`);
  } catch (error) {
    if (error instanceof UserError) return failed(error.message);
    throw error;
  }
  const merge = await mergeBranch(root, {
    branch: worktree.branch,
    baseBranch: base,
    message: `Merge ${worktree.branch} (${a.local_id}, Baton ${iteration.id})`,
  });
  if (merge.status === "merged") {
    await removeWorktree(root, worktree, { deleteBranch: true });
    ctx.store.addEvent("merged", refs, { branch: worktree.branch, into: base, files: merge.files });
    return undefined;
  }
  if (merge.status === "refused") return failed(`${worktree.branch} was not merged: ${merge.reason}`);
  const first = firstMerged(ctx, iteration, merge.files);
  const markers = await syncWithBase(root, worktree, base);
  ctx.store.addEvent("merge_conflict", refs, { branch: worktree.branch, files: merge.files, with: first });
  const files = (markers.length > 0 ? markers : merge.files).map((f) => `\`${f}\``).join(", ");
  return failed(
    `merging ${worktree.branch} into \`${base}\` conflicts in ${files} with the work of ${
      first ? `assignment ${first}, whose merge came first` : `\`${base}\``
    }; ${base} is merged into your worktree \`${worktree.dir}\` with conflict markers in those files: ` +
      "keep both changes, remove the markers, and submit again",
  );
}

/** The assignment of this iteration merged last that changed one of `files`. */
function firstMerged(
  ctx: EngineContext,
  iteration: IterationRecord,
  files: readonly string[],
): string | null {
  const wanted = new Set(files);
  const merges = ctx.store
    .listEvents({ run_id: iteration.run_id })
    .filter((e) => e.kind === "merged" && e.iteration_id === iteration.id);
  for (const event of merges.reverse()) {
    const changed = (event.data.files as string[] | undefined) ?? [];
    if (changed.some((f) => wanted.has(f)) && event.assignment_id !== null) {
      return ctx.store.getAssignment(event.assignment_id)?.local_id ?? event.assignment_id;
    }
  }
  return null;
}

function failed(reason: string): CheckResult {
  return { check: MERGE_CHECK, status: "failed", reason };
}
