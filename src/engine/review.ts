import { UserError } from "../errors.js";
import type { AssignmentRecord } from "../store/records.js";
import { iterationUri, promptUri } from "../uris.js";
import { splitCriteria } from "./criteria.js";
import type { EngineContext } from "./engine.js";
import { writeFileAtomic } from "./files.js";
import { type IterationBundle, iterationAssignment, resolveIteration } from "./resolve.js";
import { settleRun } from "./run-state.js";

/**
 * A person's sign-off on an iteration whose workflow says `approval: required`: validation leaves
 * it `awaiting_approval` once the machine checks pass, and its dependents wait until a review
 * approves it. A rejection sends assignments back to work with the reviewer's words. The MCP tool
 * review_iteration, `baton review` and the dashboard all call reviewIteration.
 */

export type ReviewDecision = "approve" | "reject";

export interface CriterionReview {
  criterion: string;
  ok: boolean;
  note?: string;
}

export interface ReviewArgs {
  iteration_id: string;
  decision: ReviewDecision;
  reviewer?: string;
  notes?: string;
  criteria?: readonly CriterionReview[];
  /** Assignments a rejection sends to rework (ids or local ids); default: every assignment. */
  assignments?: readonly string[];
}

export interface ReviewRecord {
  decision: ReviewDecision;
  reviewer: string;
  at: string;
  notes: string;
  criteria: CriterionReview[];
  /** Assignments sent to rework (rejections only). */
  assignments: string[];
}

export interface ReviewRework {
  assignment_id: string;
  role: string;
  attempt: number;
  prompt_path: string;
  prompt_uri: string;
}

export interface ReviewResult {
  iteration_id: string;
  decision: ReviewDecision;
  reviewer: string;
  at: string;
  /** The iteration's state after the review. */
  state: "passed" | "generated";
  rework: ReviewRework[];
  report_path: string;
  report_uri: string;
}

const DEFAULT_REVIEWER = "unnamed reviewer";

/** What a reviewer is asked to confirm: the iteration's human (free-text) completion criteria. */
export function reviewCriteria(
  ctx: EngineContext,
  iterationId: string,
): { id: string; state: string; criteria: string[] } {
  const { iteration, spec } = resolveIteration(ctx, iterationId);
  return {
    id: iteration.id,
    state: iteration.state,
    criteria: splitCriteria(spec.completion_criteria).human,
  };
}

export function reviewIteration(ctx: EngineContext, args: ReviewArgs): ReviewResult {
  const bundle = resolveIteration(ctx, args.iteration_id);
  const { iteration } = bundle;
  if (iteration.state !== "awaiting_approval") {
    throw new UserError(
      bundle.spec.approval === "required"
        ? `iteration ${iteration.id} is ${iteration.state}, not awaiting approval: it is reviewed once validate_iteration passes its machine checks`
        : `iteration ${iteration.id} needs no approval (its workflow does not set \`approval: required\`); it is ${iteration.state}`,
    );
  }
  const reviewer = args.reviewer?.trim() || DEFAULT_REVIEWER;
  const notes = args.notes?.trim() ?? "";
  const criteria = [...(args.criteria ?? [])];
  const at = ctx.clock.now().toISOString();
  const refs = { run_id: iteration.run_id, iteration_id: iteration.id };
  const rework: ReviewRework[] = [];
  if (args.decision === "reject" && notes === "" && !criteria.some((c) => !c.ok)) {
    throw new UserError(
      "a rejection needs `notes` or a criterion with `ok: false`: the rework prompt tells the agents what to change",
    );
  }

  ctx.store.transaction(() => {
    if (args.decision === "approve") {
      ctx.store.setIterationState(iteration.id, "passed");
      settleRun(ctx, bundle, true);
    } else {
      const chosen =
        args.assignments && args.assignments.length > 0
          ? args.assignments.map((id) => iterationAssignment(ctx, iteration.id, id))
          : ctx.store.listAssignments(iteration.id);
      for (const a of chosen) rework.push(sendBack(ctx, bundle, a, { reviewer, notes, criteria }));
      ctx.store.setIterationState(iteration.id, "generated");
    }
    const record: ReviewRecord = {
      decision: args.decision,
      reviewer,
      at,
      notes,
      criteria,
      assignments: rework.map((r) => r.assignment_id),
    };
    ctx.store.addEvent("reviewed", refs, { ...record });
  });
  appendToReport(ctx, bundle);
  return {
    iteration_id: iteration.id,
    decision: args.decision,
    reviewer,
    at,
    state: args.decision === "approve" ? "passed" : "generated",
    rework,
    report_path: `${iteration.path}/VALIDATION.md`,
    report_uri: iterationUri(iteration.id, "validation"),
  };
}

/** Every review of an iteration, oldest first (kept in the event log, which is never rewritten). */
export function listReviews(ctx: EngineContext, iterationId: string): ReviewRecord[] {
  const { iteration } = resolveIteration(ctx, iterationId);
  return ctx.store
    .listEvents({ run_id: iteration.run_id })
    .filter((e) => e.kind === "reviewed" && e.iteration_id === iteration.id)
    .map((e) => e.data as unknown as ReviewRecord);
}

/** The reviews as a VALIDATION.md section; empty when there are none. */
export function reviewsMarkdown(reviews: readonly ReviewRecord[]): string {
  if (reviews.length === 0) return "";
  const lines = ["", "## Reviews", ""];
  for (const r of reviews) {
    lines.push(`### ${r.decision === "approve" ? "Approved" : "Rejected"} by ${r.reviewer} at ${r.at}`, "");
    if (r.notes) lines.push(...quote(r.notes), "");
    for (const c of r.criteria)
      lines.push(`- [${c.ok ? "x" : " "}] ${c.criterion}${c.note ? ` — ${c.note}` : ""}`);
    if (r.criteria.length > 0) lines.push("");
    if (r.assignments.length > 0) lines.push(`Sent to rework: ${r.assignments.join(", ")}`, "");
  }
  return lines.join("\n");
}

function quote(text: string): string[] {
  return text.split("\n").map((line) => `> ${line}`.trimEnd());
}

/** Rewrites VALIDATION.md's review section: the validation part stays as validation wrote it. */
function appendToReport(ctx: EngineContext, { iteration }: IterationBundle): void {
  const report = `${iteration.path}/VALIDATION.md`;
  const file = ctx.workspace.resolve(report);
  // Read through the workspace guard like every other file: no link out of the workspace.
  const current = ctx.workspace.statFile(report)
    ? ctx.workspace.readText(report, { what: "validation report" })
    : `# Validation of ${iteration.id}\n`;
  const base = current.replace(/\n## Reviews\n[\s\S]*$/, "").replace(/\n+$/, "\n");
  writeFileAtomic(file, `${base}${reviewsMarkdown(listReviews(ctx, iteration.id))}`);
}

/** Back to pending with a rework prompt that quotes the reviewer, as a failed check would. */
function sendBack(
  ctx: EngineContext,
  { iteration }: IterationBundle,
  a: AssignmentRecord,
  review: { reviewer: string; notes: string; criteria: readonly CriterionReview[] },
): ReviewRework {
  const attempt = a.attempts + 1;
  const promptPath = `${iteration.path}/agent-prompts/${a.local_id}-rework-${attempt}.md`;
  const misses = review.criteria.filter((c) => !c.ok);
  const body = [
    `# Rework ${attempt} — ${a.local_id} (${a.role}): rejected in review`,
    "",
    `Your deliverables passed Baton's checks, but ${review.reviewer} rejected them. Address **every** point below, change nothing else, and keep the exact deliverable paths.`,
    "",
    ...(review.notes ? ["## Reviewer's notes", "", ...quote(review.notes), ""] : []),
    ...(misses.length > 0
      ? [
          "## Criteria not met",
          "",
          ...misses.map((c) => `- ${c.criterion}${c.note ? `: ${c.note}` : ""}`),
          "",
        ]
      : []),
    "## Deliverables",
    "",
    ...a.deliverables.map((d) => `- \`${d}\``),
    "",
    `When you are done, call \`submit_assignment\` with \`assignment_id: "${a.id}"\` if you claimed it through Baton; otherwise tell the orchestrator, who re-runs \`validate_iteration\` for \`${iteration.id}\`.`,
    "",
    "---",
    "",
    `## Your original assignment (\`${a.prompt_path}\`)`,
    "",
    ctx.workspace.statFile(a.prompt_path) ? ctx.workspace.readText(a.prompt_path, { what: "prompt" }) : "",
  ].join("\n");
  writeFileAtomic(ctx.workspace.resolve(promptPath), body);
  ctx.store.setAssignmentState(a.id, "pending", { attempts: attempt });
  ctx.store.addEvent(
    "rework",
    { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: a.id },
    { attempt, review: true },
  );
  return {
    assignment_id: a.id,
    role: a.role,
    attempt,
    prompt_path: promptPath,
    prompt_uri: promptUri(iteration.id, `${a.local_id}-rework-${attempt}`),
  };
}
