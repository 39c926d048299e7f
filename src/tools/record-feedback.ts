import { z } from "zod";
import { recordFeedback } from "../engine/feedback.js";
import { FEEDBACK_CATEGORIES } from "../store/records.js";
import { defineTool } from "./tool.js";

export const recordFeedbackTool = defineTool({
  name: "record_feedback",
  title: "Record feedback",
  kind: "write",
  description: `Record what got in the way of an agent or the orchestrator during an iteration, then re-synthesize the workflow's learnings. Learnings (from feedback, failed checks and token usage, once a pattern has at least two sources) are written into later iterations' CONTEXT.md and role prompts and recalibrate token estimates.
Use it after an iteration (and have sub-agents use it) for: token_budget (ran out), scope_confusion, missing_context (name the file that was missing), unclear_criteria, template_gap, tooling, other.
Returns feedback_id and the workflow's learnings (id, kind, role, text, enabled, evidence). Edit or disable learnings in .baton/learnings/<workflow>.yaml.
Example: {"iteration_id": "user-story-refinement-1-i01", "assignment_id": "user-story-refinement-1-i01/product-analyst-01", "category": "missing_context", "message": "docs/glossary.md was not referenced", "tokens_used": 24000}`,
  input: {
    iteration_id: z.string(),
    assignment_id: z.string().optional(),
    role: z.string().optional().describe("defaults to the assignment's role"),
    category: z.enum(FEEDBACK_CATEGORIES),
    severity: z.enum(["low", "medium", "high"]).optional().describe("default medium"),
    message: z.string().min(1),
    tokens_used: z.number().int().nonnegative().optional().describe("tokens the assignment used"),
  },
  output: {
    feedback_id: z.number().int(),
    workflow: z.string(),
    learnings: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        role: z.string().optional(),
        text: z.string(),
        enabled: z.boolean(),
        evidence: z.object({
          source: z.string(),
          count: z.number(),
          of: z.number(),
          assignments: z.array(z.string()),
        }),
      }),
    ),
    new_learnings: z.array(z.string()),
    learnings_file: z.string(),
    feedback_path: z.string().optional(),
  },
  handle: async (args, { engine }) => recordFeedback(engine, args),
  summarize: (r) =>
    `Recorded feedback #${r.feedback_id}; ${r.learnings.length} learning(s) for ${r.workflow}${r.new_learnings.length ? `, new: ${r.new_learnings.join(", ")}` : ""}.`,
});
