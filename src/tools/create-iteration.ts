import { z } from "zod";
import { RUN_VIEW_META } from "../dashboard/mcp-app.js";
import { createIteration } from "../engine/create-iteration.js";
import { afterCreate } from "./hints.js";
import { defineTool } from "./tool.js";

export const createIterationTool = defineTool({
  name: "create_iteration",
  title: "Create iteration",
  kind: "write",
  meta: RUN_VIEW_META,
  description: `Start a run of a workflow (baton://workflows) or continue one (run_id): materializes the next ready iteration's folder (CONTEXT.md, COMPLETION_CRITERIA.md, README.md). Then call generate_prompts. Refuses iterations whose dependencies have not passed validation unless force.
Returns run_id, iteration_id, path, targets, next.
Example: {"workflow": "incident-response", "inputs": {"id": "INC-42"}}`,
  input: {
    workflow: z.string().optional().describe("name or .yaml path: a new run"),
    run_id: z.string().optional().describe("continue this run"),
    iteration: z.string().optional().describe("default: next ready"),
    inputs: z.record(z.string(), z.string()).optional().describe("the workflow's declared inputs"),
    force: z.boolean().optional().describe("skip the dependency gate (logged)"),
  },
  output: {
    run_id: z.string(),
    iteration_id: z.string(),
    iteration: z.string(),
    path: z.string(),
    targets: z.number(),
    created: z.boolean(),
    forced: z.boolean(),
    next: z.string(),
  },
  handle: async (args, { engine }) => {
    // Missing references reach the model through `next` (the output schema stays as small as it is).
    const created = await createIteration(engine, args);
    const { missing_references: _inNext, ...result } = created;
    return { ...result, next: afterCreate(created) };
  },
  summarize: (r) =>
    `${r.created ? "Created" : "Refreshed"} iteration ${r.iteration_id} (${r.iteration}) at ${r.path} with ${r.targets} target(s). ${r.next}`,
});
