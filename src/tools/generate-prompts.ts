import { z } from "zod";
import { boundGenerate } from "./bounded.js";
import { afterGenerate } from "./hints.js";
import { linksOfGenerate, renderGenerate } from "./render.js";
import { defineTool, objectList } from "./tool.js";

export const generatePromptsTool = defineTool({
  name: "generate_prompts",
  title: "Generate agent prompts",
  kind: "idempotent-write",
  description: `Allocate an iteration's targets to agents within each role's token budget and target limit, count tokens, score risk, write agent-prompts/ and manifest.json.
Give each prompt_uri to a sub-agent of its role.`,
  input: {
    iteration_id: z.string().describe("from create_iteration"),
    dry_run: z.boolean().optional().describe("plan only; write nothing"),
  },
  output: {
    iteration_id: z.string(),
    dry_run: z.boolean(),
    path: z.string(),
    assignments: objectList,
    assignments_omitted: z.number(),
    totals: z.object({
      assignments: z.number(),
      targets: z.number(),
      estimated_tokens: z.number(),
      over_budget: z.number(),
      high_risk: z.number(),
    }),
    next: z.string(),
  },
  handle: async (args, { engine, progress }) => {
    const { generatePrompts } = await import("../engine/generate.js");
    const result = await generatePrompts(engine, args, progress);
    return { ...boundGenerate(result), next: afterGenerate(result) };
  },
  render: renderGenerate,
  links: linksOfGenerate,
  summarize: (r) =>
    `${r.dry_run ? "Planned" : "Generated"} ${r.totals.assignments} assignment(s) for ${r.totals.targets} target(s), ~${r.totals.estimated_tokens} tokens; ${r.totals.over_budget} over budget, ${r.totals.high_risk} high risk. ${r.next}`,
});
