import { z } from "zod";
import { defineTool, riskSchema } from "./tool.js";

const estimateSchema = z.object({
  prompt_tokens: z.number().int(),
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
});

export const generatePromptsTool = defineTool({
  name: "generate_prompts",
  title: "Generate agent prompts",
  kind: "idempotent-write",
  description: `Allocate an iteration's targets to role-based agent assignments within each role's token budget and target limit, estimate tokens (real o200k counts: prompt + target files + expected output), score risk, and write agent-prompts/<assignment>.md and manifest.json.
Use it right after create_iteration. Regenerating is idempotent while every assignment is pending. dry_run: true returns the allocation without writing anything.
Returns assignments (id, role, targets, deliverables, estimated_tokens vs token_budget, risk with reasons, prompt_uri to read the prompt) and totals. Hand each prompt to a sub-agent of that role, or let sub-agents use claim_assignment.
Example: {"iteration_id": "user-story-refinement-1-i01"}`,
  input: {
    iteration_id: z.string().describe("from create_iteration"),
    dry_run: z.boolean().optional().describe("plan only; write nothing"),
  },
  output: {
    iteration_id: z.string(),
    dry_run: z.boolean(),
    path: z.string(),
    assignments: z.array(
      z.object({
        id: z.string(),
        local_id: z.string(),
        role: z.string(),
        targets: z.array(z.string()),
        deliverables: z.array(z.string()),
        estimated_tokens: z.number().int(),
        estimate: estimateSchema,
        token_budget: z.number().int(),
        risk: riskSchema,
        prompt_path: z.string(),
        prompt_uri: z.string(),
      }),
    ),
    totals: z.object({
      assignments: z.number().int(),
      targets: z.number().int(),
      deliverables: z.number().int(),
      estimated_tokens: z.number().int(),
      token_budget: z.number().int(),
      over_budget: z.number().int(),
      high_risk: z.number().int(),
    }),
    next: z.string(),
  },
  handle: (args, { engine, progress }) => engine.generatePrompts(args, progress),
  summarize: (r) =>
    `${r.dry_run ? "Planned" : "Generated"} ${r.totals.assignments} assignment(s) for ${r.totals.targets} target(s), ~${r.totals.estimated_tokens} tokens; ${r.totals.over_budget} over budget, ${r.totals.high_risk} high risk. ${r.next}`,
});
