import { z } from "zod";
import { FEEDBACK_CATEGORIES } from "../store/records.js";
import { renderFeedback } from "./render.js";
import { defineTool, objectList } from "./tool.js";

export const recordFeedbackTool = defineTool({
  name: "record_feedback",
  title: "Record feedback",
  kind: "write",
  description: `Record what got in the way (for missing_context name the file); re-synthesizes the workflow's learnings that shape later prompts and estimates.
Example: {"iteration_id": "wf-1-i01", "category": "missing_context", "message": "needed docs/api.md"}`,
  input: {
    iteration_id: z.string(),
    assignment_id: z.string().optional(),
    role: z.string().optional(),
    category: z.enum(FEEDBACK_CATEGORIES),
    severity: z.enum(["low", "medium", "high"]).optional(),
    message: z.string().min(1),
    tokens_used: z.number().min(0).optional().describe("calibrates estimates"),
  },
  output: {
    feedback_id: z.number(),
    workflow: z.string(),
    learnings: objectList,
    new_learnings: z.array(z.string()),
    learnings_file: z.string(),
    feedback_path: z.string().optional(),
  },
  handle: async (args, { engine }) => (await import("../engine/feedback.js")).recordFeedback(engine, args),
  render: renderFeedback,
  summarize: (r) =>
    `Recorded feedback #${r.feedback_id}; ${r.learnings.length} learning(s) for ${r.workflow}${r.new_learnings.length ? `, new: ${r.new_learnings.join(", ")}` : ""}.`,
});
