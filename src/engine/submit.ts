import { UserError } from "../errors.js";
import type { AssignmentRecord } from "../store/records.js";
import { REMAINING_CAP } from "./constants.js";
import type { EngineContext } from "./engine.js";
import { resolveAssignment } from "./resolve.js";
import { validateBundle } from "./validation.js";
import type { ValidationFailure } from "./validation-report.js";

export interface SubmitArgs {
  assignment_id: string;
  summary?: string;
  tokens_used?: number;
}

export interface SubmitResult {
  assignment_id: string;
  iteration_id: string;
  passed: boolean;
  state: AssignmentRecord["state"];
  failures: ValidationFailure[];
  rework_prompt?: string;
  attempt: number;
  max_attempts: number;
  /** How many of the iteration's assignments have not passed yet; above REMAINING_CAP, REMAINING_CAP + 1. */
  remaining: number;
  /** The first few of them (local ids): a count, not a list, scales to 100k assignments. */
  remaining_ids: string[];
}

/** Validates one assignment's deliverables at once; a failure comes back with its rework prompt. */
export async function submitAssignment(engine: EngineContext, args: SubmitArgs): Promise<SubmitResult> {
  const { assignment, bundle } = resolveAssignment(engine, args.assignment_id);
  if (assignment.state === "passed" || assignment.state === "failed") {
    throw new UserError(`assignment ${assignment.id} is already ${assignment.state}; nothing to submit`);
  }
  const { iteration, workflow } = bundle;
  if (!engine.store.markSubmitted(assignment.id, args.tokens_used)) {
    const now = engine.store.getAssignment(assignment.id);
    throw new UserError(`assignment ${assignment.id} is already ${now?.state}; nothing to submit`);
  }
  engine.store.addEvent(
    "submitted",
    { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: assignment.id },
    { agent: assignment.agent, summary: args.summary ?? null, tokens_used: args.tokens_used ?? null },
  );
  const report = await validateBundle(engine, bundle, {
    assignment_id: assignment.id,
    allowCommands: engine.allowCommands,
    reclaim: true,
  });
  const rework = report.rework[0];
  const after = engine.store.getAssignment(assignment.id) as AssignmentRecord;
  // Counted in SQL up to a cap: the others are never read, and the cost stays flat at 100k.
  const unfinished = ["pending", "claimed", "submitted", "failed"] as const;
  const remaining = engine.store.countAssignmentsIn(iteration.id, unfinished, REMAINING_CAP + 1);
  return {
    assignment_id: assignment.id,
    iteration_id: iteration.id,
    passed: report.passed,
    state: after.state,
    failures: report.failures,
    rework_prompt: rework ? engine.workspace.readText(rework.prompt_path, { what: "prompt" }) : undefined,
    // This submission's number, and how many submissions the assignment gets (first try + reworks).
    attempt: assignment.attempts + 1,
    max_attempts: workflow.spec.max_attempts + 1,
    remaining,
    remaining_ids: remaining === 0 ? [] : engine.store.assignmentIdsIn(iteration.id, unfinished, 5),
  };
}
