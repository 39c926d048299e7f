import { z } from "zod";
import { submitAssignment } from "../engine/dispatch.js";
import { defineTool } from "./tool.js";
import { failureSchema } from "./validate-iteration.js";

export const submitAssignmentTool = defineTool({
  name: "submit_assignment",
  title: "Submit an assignment",
  kind: "write",
  description: `For a sub-agent: hand in a claimed assignment once its deliverables are written. Baton validates that assignment's deliverables at once (exists, size, format, the workflow's checks).
Returns passed and, when it failed, every failure with its reason and rework_prompt (the text to work from; the claim stays yours). Attempts are bounded (attempt / max_attempts); after the last the assignment is failed.
Example: {"assignment_id": "user-story-refinement-1-i01/product-analyst-01", "summary": "10 requirement files", "tokens_used": 21000}`,
  input: {
    assignment_id: z.string().describe("from claim_assignment"),
    summary: z.string().optional().describe("what you produced, one paragraph"),
    tokens_used: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("tokens you spent, if known; calibrates estimates"),
  },
  output: {
    assignment_id: z.string(),
    passed: z.boolean(),
    state: z.string(),
    failures: z.array(failureSchema),
    rework_prompt: z.string().optional(),
    attempt: z.number().int(),
    max_attempts: z.number().int(),
    next: z.string(),
  },
  handle: (args, { engine }) => submitAssignment(engine, args),
  summarize: (r) =>
    `${r.passed ? "PASSED" : `FAILED (${r.failures.length} failure(s))`} ${r.assignment_id}, attempt ${r.attempt}/${r.max_attempts}. ${r.next}`,
});
