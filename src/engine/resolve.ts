import path from "node:path";
import type { IterationSpec } from "../config/schema.js";
import type { LoadedWorkflow } from "../config/workflows.js";
import { quoteList, UserError } from "../errors.js";
import type { AssignmentRecord, IterationRecord, RunRecord } from "../store/records.js";
import type { EngineContext } from "./engine.js";

/**
 * The run, its workflow and the iteration's spec, looked up together. Entry points resolve ids into
 * bundles once; everything after them takes the bundle.
 */
export interface IterationBundle {
  run: RunRecord;
  workflow: LoadedWorkflow;
  iteration: IterationRecord;
  spec: IterationSpec;
}

export function getRun(ctx: EngineContext, runId: string): RunRecord {
  const run = ctx.store.getRun(runId);
  if (!run) {
    const known = ctx.store.listRuns().map((r) => r.id);
    throw new UserError(`unknown run \`${runId}\`; runs in this workspace: ${quoteList(known.slice(-20))}`);
  }
  return run;
}

/** An iteration by id, or by its folder path (as `baton validate` accepts either). */
export function resolveIteration(ctx: EngineContext, idOrPath: string): IterationBundle {
  const folder = idOrPath.replace(/\/+$/, "");
  const iteration =
    ctx.store.getIteration(folder) ??
    ctx.store.findIterationByPath(
      path.isAbsolute(folder) ? ctx.workspace.relative(folder) : folder.replace(/^\.\//, ""),
    );
  if (!iteration) {
    const known = ctx.store.listIterations().map((i) => i.id);
    throw new UserError(
      `unknown iteration \`${idOrPath}\`; iterations in this workspace: ${quoteList(known.slice(-20))}`,
    );
  }
  return bundleOf(ctx, iteration, getRun(ctx, iteration.run_id));
}

/** The bundle of an iteration record already in hand. */
export function bundleOf(ctx: EngineContext, iteration: IterationRecord, run: RunRecord): IterationBundle {
  const workflow = ctx.catalog.workflowOf(run);
  const spec = workflow.spec.iterations.find((it) => it.name === iteration.name) as IterationSpec;
  return { run, workflow, iteration, spec };
}

/** An assignment by id, with its iteration's bundle. */
export function resolveAssignment(
  ctx: EngineContext,
  assignmentId: string,
): { assignment: AssignmentRecord; bundle: IterationBundle } {
  const assignment = ctx.store.getAssignment(assignmentId);
  if (!assignment) {
    throw new UserError(
      `unknown assignment \`${assignmentId}\`; assignment ids look like \`<iteration_id>/<role>-NN\` (claim_assignment returns them)`,
    );
  }
  return { assignment, bundle: resolveIteration(ctx, assignment.iteration_id) };
}

/**
 * An assignment of an iteration by its id or local id, looked up alone: submissions and feedback
 * on a 100k-assignment iteration must not read the other assignments.
 */
export function iterationAssignment(ctx: EngineContext, iterationId: string, id: string): AssignmentRecord {
  const found = ctx.store.findIterationAssignment(iterationId, id);
  if (found) return found;
  const every = ["pending", "claimed", "submitted", "passed", "failed"] as const;
  const total = ctx.store.countAssignmentsIn(iterationId, every, Number.MAX_SAFE_INTEGER);
  if (total === 0) {
    throw new UserError(
      `iteration ${iterationId} has no assignments yet; call generate_prompts with iteration_id "${iterationId}" first`,
    );
  }
  const some = ctx.store.assignmentIdsIn(iterationId, every, 20);
  throw new UserError(
    `iteration ${iterationId} has no assignment \`${id}\`; assignments: ${quoteList(some.map((l) => `${iterationId}/${l}`))}${total > some.length ? ` and ${total - some.length} more` : ""}`,
  );
}
