import { z } from "zod";
import { decomposeTask } from "../engine/decompose.js";
import { defineTool } from "./tool.js";

const subtaskSchema = z.object({
  role: z.string(),
  description: z.string(),
  deliverables: z.array(z.string()),
  complexity: z.number().optional(),
});
const iterationSchema = z.object({
  name: z.string(),
  goal: z.string(),
  dependencies: z.array(z.string()).optional(),
  subtasks: z.array(subtaskSchema),
  completion_criteria: z.array(z.string()).optional(),
});

export const decomposeTaskTool = defineTool({
  name: "decompose_task",
  title: "Decompose a task",
  kind: "write",
  description: `Turn a free-form task ("Implement OAuth2 authentication for the API") into a run: iterations of role-based subtasks with deliverables and a dependency DAG. Use it when no shipped workflow fits (see baton://workflows); for a workflow that fits, use create_iteration.
With plan: validates it (known roles, no cycles, safe relative deliverable paths, unique names), saves it as .baton/workflows/<name>.yaml and starts a run. Without plan: Baton asks your model through sampling when your client supports it; otherwise it returns status "needs_plan" with instructions, the role catalog and plan_schema so you can call again with plan.
Returns status, run_id, iterations, ready (iterations with no dependencies) and a Mermaid graph. Next: create_iteration with the run_id.
Example plan: {"iterations":[{"name":"design","goal":"Design the OAuth2 flow","subtasks":[{"role":"architect","description":"Choose the grant type","deliverables":["tasks/oauth2/design.md"],"complexity":5}]},{"name":"build","goal":"Implement it","dependencies":["design"],"subtasks":[{"role":"developer","description":"Implement","deliverables":["tasks/oauth2/IMPLEMENTATION.md"]}]}]}`,
  input: {
    task: z.string().min(1).describe("the task, one or two sentences"),
    context: z.string().optional().describe("background the agents need"),
    plan: z
      .object({ name: z.string().optional(), iterations: z.array(iterationSchema) })
      .optional()
      .describe("your decomposition; omit to get instructions or sampling"),
    max_iterations: z.number().int().min(1).max(20).optional(),
  },
  output: {
    status: z.enum(["planned", "needs_plan"]),
    run_id: z.string().optional(),
    workflow: z.string().optional(),
    workflow_file: z.string().optional(),
    iterations: z.array(
      z.object({
        name: z.string(),
        goal: z.string(),
        dependencies: z.array(z.string()),
        subtasks: z.array(subtaskSchema),
      }),
    ),
    ready: z.array(z.string()).optional(),
    mermaid: z.string().optional(),
    instructions: z.string().optional(),
    role_catalog: z
      .array(
        z.object({ role: z.string(), name: z.string(), perspective: z.string(), token_budget: z.number() }),
      )
      .optional(),
    plan_schema: z.record(z.string(), z.unknown()).optional(),
    source: z.enum(["caller", "sampling"]).optional(),
    attempts: z.number().int().optional(),
    next: z.string(),
  },
  handle: (args, { engine, sampler }) => decomposeTask(engine, args, sampler),
  summarize: (r) =>
    r.status === "planned"
      ? `Planned run ${r.run_id}: ${r.iterations.length} iteration(s); ready: ${(r.ready ?? []).join(", ")}. ${r.next}`
      : `Needs a plan. ${r.next}`,
});
