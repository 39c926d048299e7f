import { z } from "zod";
import { afterSubmit } from "./hints.js";
import { renderSubmit } from "./render.js";
import { defineTool } from "./tool.js";
import { failureSchema } from "./validate-iteration.js";

export const submitAssignmentTool = defineTool({
  name: "submit_assignment",
  title: "Submit an assignment",
  kind: "write",
  description: `For a worker sub-agent: hand in a claimed assignment once its deliverables are written; it is validated at once.
On failure, rework_prompt says what to fix (the claim stays yours).
Example: {"assignment_id": "wf-1-i01/developer-01", "tokens_used": 21000}`,
  input: {
    assignment_id: z.string().describe("from claim_assignment"),
    summary: z.string().optional(),
    tokens_used: z.number().int().nonnegative().optional().describe("calibrates estimates"),
  },
  output: {
    assignment_id: z.string(),
    passed: z.boolean(),
    state: z.string(),
    failures: z.array(failureSchema),
    rework_prompt: z.string().optional(),
    attempt: z.number(),
    max_attempts: z.number(),
    next: z.string(),
  },
  handle: async (args, { engine }) => {
    const result = await (await import("../engine/submit.js")).submitAssignment(engine, args);
    const { iteration_id: _i, remaining: _r, remaining_ids: _ri, ...shown } = result;
    return { ...shown, next: afterSubmit(result) };
  },
  render: renderSubmit,
  summarize: (r) =>
    `${r.passed ? "PASSED" : `FAILED (${r.failures.length} failure(s))`} ${r.assignment_id}, attempt ${r.attempt}/${r.max_attempts}. ${r.next}`,
});
