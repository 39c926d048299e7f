import { z } from "zod";
import { defineTool } from "./tool.js";

export const createIterationTool = defineTool({
  name: "create_iteration",
  title: "Create iteration",
  kind: "write",
  description: `Start a run of a workflow, or continue a run, and materialize one iteration's folder (CONTEXT.md, COMPLETION_CRITERIA.md, README.md).
Use it first for any workflow (list them via the baton://workflows resource), then again after an iteration passes validation to get the next ready one. Do not use it to write prompts: call generate_prompts next.
Returns run_id, iteration_id, the folder path, the number of targets matched, and the next step.
Refuses an iteration whose dependencies have not passed validation (names them) unless force is true.
Example: {"workflow": "user-story-refinement"} then {"run_id": "user-story-refinement-1"}; {"workflow": "incident-response", "inputs": {"id": "INC-42"}}.`,
  input: {
    workflow: z
      .string()
      .optional()
      .describe("workflow name or workspace-relative .yaml path; starts a new run"),
    run_id: z.string().optional().describe("continue this run instead of starting one"),
    iteration: z.string().optional().describe("iteration name; default: the next ready one"),
    inputs: z
      .record(z.string(), z.string())
      .optional()
      .describe('run inputs declared by the workflow, e.g. {"id": "INC-42"}'),
    force: z.boolean().optional().describe("create even if dependencies have not passed (recorded)"),
  },
  output: {
    run_id: z.string(),
    iteration_id: z.string(),
    iteration: z.string(),
    path: z.string(),
    targets: z.number().int(),
    created: z.boolean(),
    forced: z.boolean(),
    next: z.string(),
  },
  handle: (args, { engine }) => engine.createIteration(args),
  summarize: (r) =>
    `${r.created ? "Created" : "Refreshed"} iteration ${r.iteration_id} (${r.iteration}) at ${r.path} with ${r.targets} target(s). ${r.next}`,
});
