import { existsSync, readFileSync } from "node:fs";
import { quoteList, UserError } from "../errors.js";
import type { AssignmentRecord } from "../store/records.js";
import type { Engine } from "./engine.js";
import { promptUri, reworkPromptPath } from "./ids.js";
import type { ValidationFailure } from "./validation.js";

/** How long a claim lasts without any call about it (DESIGN §7). */
export const DEFAULT_LEASE_MINUTES = 30;
export const LEASE_MS = DEFAULT_LEASE_MINUTES * 60_000;

export interface ClaimResult {
  assignment_id: string | null;
  role?: string;
  prompt?: string;
  prompt_uri?: string;
  deliverables?: string[];
  token_budget?: number;
  attempt?: number;
  lease_expires_at?: string;
  next: string;
}

export interface SubmitResult {
  assignment_id: string;
  passed: boolean;
  state: AssignmentRecord["state"];
  failures: ValidationFailure[];
  rework_prompt?: string;
  attempt: number;
  max_attempts: number;
  next: string;
}

/**
 * Agent-to-agent dispatch: a sub-agent claims the next pending assignment (atomically, across
 * processes), reads its prompt, writes its deliverables and submits them for validation.
 */
export function claimAssignment(
  engine: Engine,
  args: { agent: string; role?: string; iteration_id?: string },
): ClaimResult {
  const iterationId = args.iteration_id && engine.getIteration(args.iteration_id).iteration.id;
  const { claimed, expired } = engine.store.claimNext({
    agent: args.agent,
    role: args.role,
    iteration_id: iterationId,
    leaseMs: LEASE_MS,
  });
  for (const a of expired) {
    engine.store.addEvent(
      "lease_expired",
      {
        run_id: engine.store.getIteration(a.iteration_id)?.run_id,
        iteration_id: a.iteration_id,
        assignment_id: a.id,
      },
      { agent: a.agent },
    );
  }
  if (!claimed) {
    return {
      assignment_id: null,
      next: `Nothing is ready${args.role ? ` for role \`${args.role}\`` : ""}: every assignment of a generated iteration is claimed or done. Call get_status to see what is pending.`,
    };
  }
  const { iteration, workflow } = engine.getIteration(claimed.iteration_id);
  engine.store.addEvent(
    "claimed",
    { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: claimed.id },
    { agent: args.agent },
  );
  const rework = reworkPromptPath(iteration.path, claimed);
  const promptFile = rework && existsSync(engine.workspace.resolve(rework)) ? rework : claimed.prompt_path;
  return {
    assignment_id: claimed.id,
    role: claimed.role,
    prompt: readFileSync(engine.workspace.resolve(promptFile), "utf8"),
    prompt_uri: promptUri(iteration.id, promptFile.replace(/^.*\//, "").replace(/\.md$/, "")),
    deliverables: claimed.deliverables,
    token_budget: workflow.roles.get(claimed.role)?.constraints.token_budget,
    attempt: claimed.attempts + 1,
    lease_expires_at: claimed.lease_expires_at ?? undefined,
    next: `Do the work in the prompt, write exactly the deliverables listed, then call submit_assignment with assignment_id "${claimed.id}". The lease lasts ${DEFAULT_LEASE_MINUTES} minutes and renews with every call about this assignment.`,
  };
}

/** Validates one assignment's deliverables at once; a failure comes back with its rework prompt. */
export async function submitAssignment(
  engine: Engine,
  args: { assignment_id: string; summary?: string; tokens_used?: number },
): Promise<SubmitResult> {
  const assignment = engine.store.getAssignment(args.assignment_id);
  if (!assignment) {
    throw new UserError(
      `unknown assignment \`${args.assignment_id}\`; assignment ids look like \`<iteration_id>/<role>-NN\` (claim_assignment returns them)`,
    );
  }
  if (assignment.state === "passed" || assignment.state === "failed") {
    throw new UserError(`assignment ${assignment.id} is already ${assignment.state}; nothing to submit`);
  }
  const { iteration, workflow } = engine.getIteration(assignment.iteration_id);
  engine.store.markSubmitted(assignment.id, args.tokens_used);
  engine.store.addEvent(
    "submitted",
    { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: assignment.id },
    { agent: assignment.agent, summary: args.summary ?? null, tokens_used: args.tokens_used ?? null },
  );
  const report = await engine.validateIteration({ iteration_id: iteration.id, assignment_id: assignment.id });
  const rework = report.rework[0];
  if (rework && assignment.agent) engine.store.reclaim(assignment.id, LEASE_MS);
  const after = engine.store.getAssignment(assignment.id) as AssignmentRecord;
  const others = engine.store.listAssignments(iteration.id).filter((a) => a.state !== "passed");
  return {
    assignment_id: assignment.id,
    passed: report.passed,
    state: after.state,
    failures: report.failures,
    rework_prompt: rework ? readFileSync(engine.workspace.resolve(rework.prompt_path), "utf8") : undefined,
    // This submission's number, and how many submissions the assignment gets (first try + reworks).
    attempt: assignment.attempts + 1,
    max_attempts: workflow.spec.max_attempts + 1,
    next: report.passed
      ? others.length === 0
        ? `Every assignment of ${iteration.id} passed: the orchestrator calls validate_iteration with iteration_id "${iteration.id}".`
        : `Passed. ${others.length} assignment(s) of ${iteration.id} remain (${quoteList(others.slice(0, 5).map((a) => a.local_id))}); claim_assignment for more work.`
      : rework
        ? `Fix every failure (the rework_prompt lists them), then call submit_assignment again.`
        : `Out of attempts: the assignment is failed; the orchestrator decides what happens next.`,
  };
}
