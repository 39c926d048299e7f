import { z } from "zod";
import { RUN_VIEW_META } from "../dashboard/mcp-app.js";
import { boundValidation, validationOmitted } from "./bounded.js";
import { afterValidate } from "./hints.js";
import { linksOfValidate, renderValidate } from "./render.js";
import { defineTool, objectList } from "./tool.js";

export const failureSchema = z.object({
  assignment_id: z.string().nullable(),
  deliverable: z.string().nullable(),
  check: z.string(),
  reason: z.string(),
});

export const validateIterationTool = defineTool({
  name: "validate_iteration",
  title: "Validate an iteration",
  kind: "write",
  meta: RUN_VIEW_META,
  description: `Run every machine check of an iteration. Call when agents report done; only a pass (and approval if required) unlocks dependents.
Writes VALIDATION.md; rework[] has a prompt_uri per failing assignment (attempts are bounded).`,
  input: {
    iteration_id: z.string().describe("iteration id or folder path"),
    assignment_id: z.string().optional().describe("validate only this assignment"),
  },
  output: {
    iteration_id: z.string(),
    assignment_id: z.string().nullable(),
    passed: z.boolean(),
    awaiting_approval: z.boolean(),
    counts: z.object({
      passed: z.number(),
      failed: z.number(),
      needs_review: z.number(),
      skipped: z.number(),
    }),
    failures: z.array(failureSchema),
    needs_review: z.array(z.string()),
    skipped: objectList,
    rework: objectList,
    failed_assignments: z.array(z.string()),
    next: z.string(),
  },
  // Per-assignment outcomes, the report path and new learnings stay in VALIDATION.md, FEEDBACK.md and the CLI:
  // rework[] and failed_assignments carry what the orchestrator acts on, and tools/list stays small.
  handle: async (args, { engine, progress }) => {
    const { validateIteration } = await import("../engine/validation.js");
    const full = await validateIteration(engine, args, progress);
    const { assignments: _a, report_path: _p, new_learnings: _l, ...report } = full;
    const run =
      full.passed && full.assignment_id === null
        ? (await import("../engine/run-progress.js")).runProgress(engine, full.iteration_id)
        : undefined;
    return { ...boundValidation(report), next: afterValidate(full, run) + validationOmitted(full) };
  },
  render: renderValidate,
  links: linksOfValidate,
  summarize: (r) =>
    `${r.passed ? "PASSED" : "FAILED"}: ${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped, ${r.counts.needs_review} need review. ${r.next}`,
});
