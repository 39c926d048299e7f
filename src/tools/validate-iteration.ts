import { z } from "zod";
import { defineTool } from "./tool.js";

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
  description: `Run every deterministic check of an iteration: each deliverable exists, meets its minimum size and parses for its format, plus the workflow's machine checks (headings, contains, regex, JSON/YAML schema, markdownlint, scope, commands when the operator allowed them).
Use it when the agents of an iteration report done; only a passing validation completes an iteration and unlocks the iterations that depend on it. Do not use it to watch progress (get_status does that).
Returns passed, counts (passed / failed / needs_review: human criteria a person confirms), every failure with its exact reason, and rework[]: a rework prompt per failing assignment (bounded attempts; then the assignment is failed for you to decide). Writes VALIDATION.md in the iteration folder.
Example: {"iteration_id": "user-story-refinement-1-i01"}`,
  input: {
    iteration_id: z.string().describe("iteration id or folder path"),
    assignment_id: z.string().optional().describe("validate only this assignment"),
  },
  output: {
    iteration_id: z.string(),
    assignment_id: z.string().nullable(),
    passed: z.boolean(),
    counts: z.object({
      passed: z.number().int(),
      failed: z.number().int(),
      needs_review: z.number().int(),
      skipped: z.number().int(),
    }),
    failures: z.array(failureSchema),
    needs_review: z.array(z.string()),
    skipped: z.array(z.object({ check: z.string(), reason: z.string() })),
    assignments: z.array(
      z.object({
        id: z.string(),
        role: z.string(),
        state: z.string(),
        passed: z.boolean(),
        attempts: z.number().int(),
        checks: z.number().int(),
        failures: z.number().int(),
      }),
    ),
    rework: z.array(
      z.object({
        assignment_id: z.string(),
        role: z.string(),
        attempt: z.number().int(),
        max_attempts: z.number().int(),
        prompt_path: z.string(),
        prompt_uri: z.string(),
      }),
    ),
    failed_assignments: z.array(z.string()),
    report_path: z.string(),
    new_learnings: z.array(z.string()),
    next: z.string(),
  },
  handle: (args, { engine, progress }) => engine.validateIteration(args, progress),
  summarize: (r) =>
    `${r.passed ? "PASSED" : "FAILED"}: ${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped, ${r.counts.needs_review} need review. ${r.next}`,
});
