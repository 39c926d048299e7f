import { userInfo } from "node:os";
import type { EngineContext } from "../engine/engine.js";
import { reviewIteration } from "../engine/review.js";
import { UserError } from "../errors.js";
import type { Output } from "./output.js";

export interface ReviewOptions {
  iteration: string;
  approve?: boolean;
  reject?: boolean;
  notes?: string;
  reviewer?: string;
  assignments?: string[];
  json?: boolean;
}

/** `baton review <iteration> --approve|--reject`: a person's sign-off from the terminal. */
export function reviewCommand(engine: EngineContext, options: ReviewOptions, out: Output): number {
  if (options.approve === options.reject) throw new UserError("give exactly one of --approve and --reject");
  const result = reviewIteration(engine, {
    iteration_id: options.iteration,
    decision: options.approve ? "approve" : "reject",
    reviewer: options.reviewer ?? localUser(),
    notes: options.notes,
    assignments: options.assignments,
  });
  if (options.json) {
    out.log(JSON.stringify(result, null, 2));
    return 0;
  }
  out.log(
    `${result.decision === "approve" ? "APPROVED" : "REJECTED"} ${result.iteration_id} by ${result.reviewer} at ${result.at}: now ${result.state}; recorded in ${result.report_path}`,
  );
  for (const r of result.rework) out.log(`  rework ${r.assignment_id} (${r.role}): ${r.prompt_path}`);
  if (result.decision === "approve") out.log("Its dependents may start: baton generate --run <run_id>");
  else
    out.log(`Give each rework prompt to an agent of its role, then: baton validate ${result.iteration_id}`);
  return 0;
}

/** The login name, so a review from the terminal names its reviewer without a flag. */
function localUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
