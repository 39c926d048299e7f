import { z } from "zod";
import type { CriterionReview, ReviewDecision } from "../engine/review.js";
import { UserError } from "../errors.js";
import { afterReview } from "./hints.js";
import { linksOfReview, renderReview } from "./render.js";
import { defineTool, type Elicitor, objectList } from "./tool.js";

// Loose in the listed schema (nested objects cost every host tokens); checked here.
const criterionReview = z
  .unknown()
  .pipe(z.object({ criterion: z.string(), ok: z.boolean(), note: z.string().optional() }));

export const reviewIterationTool = defineTool({
  name: "review_iteration",
  title: "Review an iteration",
  kind: "write",
  description: `A person's sign-off on an iteration awaiting approval (dependents wait). reject reworks assignments (default all), quoting the notes; no decision: the person is asked.`,
  input: {
    iteration_id: z.string(),
    decision: z.enum(["approve", "reject"]).optional(),
    reviewer: z.string().optional(),
    notes: z.string().optional(),
    criteria: z.array(criterionReview).optional().describe("{criterion, ok, note}"),
    assignments: z.array(z.string()).optional(),
  },
  output: {
    iteration_id: z.string(),
    decision: z.string(),
    state: z.string(),
    rework: objectList,
    next: z.string(),
  },
  handle: async (args, { engine, elicit }) => {
    const review = await import("../engine/review.js");
    let decided = { ...args };
    if (decided.decision === undefined) {
      const subject = review.reviewCriteria(engine, args.iteration_id);
      const asked = await askReviewer(subject, elicit);
      if (asked.decision === undefined) {
        const state = subject.state;
        return {
          iteration_id: asked.id,
          decision: "none" as const,
          state,
          rework: [],
          next: `The person ${asked.action === "decline" ? "declined" : "cancelled"} the review: nothing changed; ${asked.id} is still ${state}.`,
        };
      }
      decided = { ...decided, ...asked, reviewer: decided.reviewer ?? asked.reviewer };
    }
    const result = review.reviewIteration(engine, {
      ...decided,
      decision: decided.decision as ReviewDecision,
    });
    return {
      iteration_id: result.iteration_id,
      decision: result.decision,
      state: result.state,
      rework: result.rework,
      next: afterReview(
        result,
        result.decision === "approve"
          ? (await import("../engine/run-progress.js")).runProgress(engine, result.iteration_id)
          : undefined,
      ),
    };
  },
  render: renderReview,
  links: linksOfReview,
  summarize: (r) =>
    r.decision === "none"
      ? r.next
      : `${r.decision === "approve" ? "Approved" : "Rejected"} ${r.iteration_id}: now ${r.state}. ${r.next}`,
});

/** Asks the person for a decision with a form listing the iteration's human criteria. */
async function askReviewer(
  { id, criteria }: { id: string; criteria: string[] },
  elicit: Elicitor | undefined,
): Promise<{
  id: string;
  action: string;
  decision?: ReviewDecision;
  notes?: string;
  reviewer?: string;
  criteria?: CriterionReview[];
}> {
  if (!elicit) {
    throw new UserError(
      `give \`decision\`: "approve" or "reject" (this client cannot show the person a form); iteration ${id}`,
    );
  }
  const fields: Parameters<Elicitor>[0]["fields"] = {
    decision: { type: "string", title: "Decision", enum: ["approve", "reject"] },
  };
  criteria.forEach((c, i) => {
    fields[`criterion_${i + 1}`] = { type: "boolean", title: c, default: true };
  });
  fields.notes = { type: "string", title: "Notes (a rejection quotes them in the rework prompt)" };
  fields.reviewer = { type: "string", title: "Your name" };
  const answer = await elicit({
    message: `Review iteration ${id}: its machine checks passed.${criteria.length ? " Confirm each criterion below." : ""}`,
    fields,
    required: ["decision"],
  });
  if (answer.action !== "accept" || !answer.content) return { id, action: answer.action };
  const content = answer.content;
  const text = (key: string) => (typeof content[key] === "string" ? (content[key] as string) : undefined);
  return {
    id,
    action: answer.action,
    decision: text("decision") === "reject" ? "reject" : "approve",
    notes: text("notes"),
    reviewer: text("reviewer"),
    criteria: criteria.map((criterion, i) => ({ criterion, ok: content[`criterion_${i + 1}`] !== false })),
  };
}
