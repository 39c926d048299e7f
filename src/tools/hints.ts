import type { ClaimArgs, ClaimResult } from "../engine/claim.js";
import { LEASE_MINUTES, REMAINING_CAP } from "../engine/constants.js";
import type { CreateIterationResult } from "../engine/create-iteration.js";
import type { DecomposeResult } from "../engine/decompose.js";
import type { GeneratePromptsResult } from "../engine/generate.js";
import type { WorkflowStart } from "../engine/queries.js";
import type { ReviewResult } from "../engine/review.js";
import type { RunProgress } from "../engine/run-progress.js";
import type { IterationAttention, RunStatusReport, StatusReport } from "../engine/status.js";
import type { SubmitResult } from "../engine/submit.js";
import type { ValidationReport } from "../engine/validation-report.js";
import { quoteList } from "../errors.js";
import { iterationUri } from "../uris.js";
import { LIST_LIMIT } from "./bounded.js";

/**
 * The `next` hints of tool results: what the orchestrator (or a worker) should call next, naming
 * MCP tools. They live here, not in the engine, because they speak the MCP surface; the CLI words
 * its own. Each composer reads only the data of an engine result.
 */

export function afterCreate(r: CreateIterationResult): string {
  const missing = r.missing_references.length
    ? `Missing references (declared, not in the workspace; CONTEXT.md flags them): ${quoteList(r.missing_references)}. `
    : "";
  return `${missing}Call generate_prompts with iteration_id "${r.iteration_id}" to allocate agents and write their prompts.`;
}

export function afterGenerate(r: GeneratePromptsResult): string {
  return r.dry_run
    ? `Dry run: nothing was written. Call generate_prompts without dry_run to write ${r.assignments.length} prompt(s).`
    : `Dispatch each prompt (read ${r.assignments[0]?.prompt_uri ?? "the prompt resources"}) to a sub-agent of its role, then call validate_iteration with iteration_id "${r.iteration_id}".${r.assignments.length > LIST_LIMIT ? ` The first ${LIST_LIMIT} assignments are listed; all ${r.assignments.length} are in ${iterationUri(r.iteration_id, "manifest")}.` : ""}`;
}

export function afterReview(r: ReviewResult, run?: RunProgress): string {
  if (r.decision === "reject")
    return `Give each rework prompt (rework[].prompt_uri) to a sub-agent of its role, then call validate_iteration with iteration_id "${r.iteration_id}".`;
  if (run?.complete)
    return `Run ${run.run_id} is complete: every iteration passed; report the outcome to the user.`;
  if (run && run.ready.length > 0)
    return `Its dependents may start: call create_iteration with run_id "${run.run_id}" for the next ready iteration (${quoteList(run.ready)}).`;
  return "Approved. No other iteration is ready yet: get_status shows what the rest wait for.";
}

export function afterValidate(r: ValidationReport, run?: RunProgress): string {
  if (r.awaiting_approval) {
    return `Every machine check passed; the workflow requires a person's approval. Ask them, then call review_iteration with iteration_id "${r.iteration_id}" and decision approve or reject (dependents wait until approved).`;
  }
  if (r.passed) {
    if (r.assignment_id !== null)
      return `This assignment passed. When every assignment has, call validate_iteration with iteration_id "${r.iteration_id}" to pass the iteration.`;
    const review = `Every machine check passed. Have a person confirm the needs-review criteria and call record_feedback with what you learned`;
    if (!run) return `${review}.`;
    if (run.complete)
      return `${review}. Run ${run.run_id} is complete: every iteration passed; report the outcome to the user.`;
    if (run.ready.length > 0)
      return `${review}, then call create_iteration with run_id "${run.run_id}" for the next ready iteration (${quoteList(run.ready)}).`;
    return `${review}. No iteration of run ${run.run_id} is ready yet: the others wait for iterations still in progress (get_status shows them).`;
  }
  const parts: string[] = [];
  if (r.rework.length > 0)
    parts.push(
      `Give each rework prompt (rework[].prompt_uri) to a sub-agent of its role, then validate again.`,
    );
  if (r.failed_assignments.length > 0) {
    parts.push(
      `Out of attempts: ${r.failed_assignments.slice(0, 5).join(", ")}${r.failed_assignments.length > 5 ? ` and ${r.failed_assignments.length - 5} more (failed_assignments)` : ""}; decide whether to reassign, adjust the workflow, or stop.`,
    );
  }
  if (parts.length === 0) parts.push("Fix the iteration-wide failures listed, then validate again.");
  return parts.join(" ");
}

export function afterClaim(r: ClaimResult, args: ClaimArgs): string {
  if (r.assignment_id === null) {
    return `Nothing is ready${args.role ? ` for role \`${args.role}\`` : ""}: every assignment of a generated iteration is claimed or done. Call get_status to see what is pending.`;
  }
  return `Do the work in the prompt, write exactly the deliverables listed, then call submit_assignment with assignment_id "${r.assignment_id}". The lease lasts ${LEASE_MINUTES} minutes and renews with every call about this assignment.`;
}

export function afterSubmit(r: SubmitResult): string {
  if (r.passed) {
    return r.remaining === 0
      ? `Every assignment of ${r.iteration_id} passed: the orchestrator calls validate_iteration with iteration_id "${r.iteration_id}".`
      : `Passed. ${r.remaining > REMAINING_CAP ? `More than ${REMAINING_CAP}` : r.remaining} assignment(s) of ${r.iteration_id} remain (${quoteList(r.remaining_ids)}${r.remaining > r.remaining_ids.length ? ", …" : ""}); claim_assignment for more work.`;
  }
  return r.rework_prompt !== undefined
    ? `Fix every failure (the rework_prompt lists them), then call submit_assignment again.`
    : `Out of attempts: the assignment is failed; the orchestrator decides what happens next.`;
}

export function afterDecompose(r: DecomposeResult): string {
  if (r.status === "needs_plan") {
    const why = r.sampling_problem ? `${r.sampling_problem} ` : "";
    return `${why}Write a plan following \`instructions\` and \`plan_schema\`, then call decompose_task again with the same task and \`plan\`.`;
  }
  const saved = r.workflow_file
    ? ` The plan is saved as ${r.workflow_file}; edit it and rerun with create_iteration {"workflow": "${r.workflow}"}.`
    : "";
  return `Call create_iteration with run_id "${r.run_id}" to materialize \`${r.ready?.[0]}\`, then generate_prompts.${saved}`;
}

/** Suggested calls for get_status (and the run resource), in the order the orchestrator should make them. */
export function statusNext(
  runs: readonly RunStatusReport[],
  workflows: () => readonly WorkflowStart[],
  attention?: ReadonlyMap<string, IterationAttention>,
): string[] {
  const next: string[] = [];
  for (const run of runs) {
    if (run.status === "completed") next.push(`run ${run.id} is complete`);
    if (run.status !== "active") continue;
    for (const it of run.iterations) {
      if (it.state === "materialized") next.push(`generate_prompts {"iteration_id": "${it.id}"}`);
      else if (it.state === "generated") {
        const { pending, stalled, all_done } = attention?.get(it.id) ?? {
          pending: it.assignments.filter((a) => a.state === "pending").length,
          stalled: it.assignments.filter((a) => a.stalled).map((a) => a.id),
          all_done: it.assignments.every((a) => a.deliverables_done === a.deliverables_total),
        };
        if (stalled.length > 0)
          next.push(
            `check on stalled assignment(s) ${stalled.slice(0, 5).join(", ")}${stalled.length > 5 ? ` and ${stalled.length - 5} more` : ""} of ${it.id}`,
          );
        if (all_done) {
          next.push(`validate_iteration {"iteration_id": "${it.id}"}`);
        } else if (pending > 0) {
          next.push(
            `dispatch ${pending} pending assignment(s) of ${it.id} to sub-agents (read their prompt resources)`,
          );
        } else {
          next.push(
            `wait for the agents of ${it.id} (${Math.round(it.progress * 100)}% written), then validate_iteration`,
          );
        }
      } else if (it.state === "awaiting_approval") {
        next.push(
          `ask a person to review ${it.id}, then review_iteration {"iteration_id": "${it.id}", "decision": "approve"}`,
        );
      } else if (it.state === "failed") {
        next.push(
          `rework the failed assignments of ${it.id} (see ${iterationUri(it.id, "validation")}), then validate_iteration`,
        );
      }
    }
    const waiting = run.not_created;
    if (waiting.length > 0 && run.iterations.every((it) => it.state === "passed")) {
      next.push(`create_iteration {"run_id": "${run.id}"} (next: ${waiting[0]})`);
    } else if (
      waiting.length === 0 &&
      run.iterations.length > 0 &&
      run.iterations.every((it) => it.state === "passed")
    ) {
      next.push(`run ${run.id} is complete`);
    }
  }
  if (runs.length === 0) {
    // Suggest a call that succeeds as written: a workflow that needs no inputs, else one with its inputs to fill.
    const all = workflows();
    const named = all.map((w) =>
      w.required.length ? `${w.name} (inputs: ${w.required.join(", ")})` : w.name,
    );
    const first = all.find((w) => w.required.length === 0) ?? all[0];
    if (!first) next.push("add a workflow to .baton/workflows/, then create_iteration with its name");
    else if (first.required.length === 0)
      next.push(
        `start a run: create_iteration {"workflow": "${first.name}"} (workflows: ${named.join(", ")})`,
      );
    else {
      const inputs = first.required.map((n) => `"${n}": "<${n}>"`).join(", ");
      next.push(
        `start a run: create_iteration {"workflow": "${first.name}", "inputs": {${inputs}}} with the <…> filled in (workflows: ${named.join(", ")})`,
      );
    }
  }
  return next;
}

/**
 * A status report as get_status and the run resource show it: with the suggested calls. The
 * workflows are listed only when there is no run to suggest anything about.
 */
export function afterStatus(
  { attention, ...report }: StatusReport,
  workflows: () => readonly WorkflowStart[],
): Omit<StatusReport, "attention"> & { next: string[] } {
  return { ...report, next: statusNext(report.runs, workflows, attention) };
}
