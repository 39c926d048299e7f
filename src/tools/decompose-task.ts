import { z } from "zod";
import { afterDecompose } from "./hints.js";
import { renderDecompose } from "./render.js";
import { defineTool, objectList } from "./tool.js";

export const decomposeTaskTool = defineTool({
  name: "decompose_task",
  title: "Decompose a task",
  kind: "write",
  description: `Turn a free-form task into a run of role-based subtasks and a dependency DAG when no workflow fits. A plan is validated and becomes workflow plan-<slug> of the run. Without one: sampled from your model if possible, else status "needs_plan" with instructions and plan_schema.`,
  input: {
    task: z.string().min(1).describe("one or two sentences"),
    context: z.string().optional().describe("background for the agents"),
    plan: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "iterations[]: name, goal, dependencies?, subtasks[] (role, description, deliverables, complexity? 1-13, checks?, output_format?), completion_criteria?, approval? (required), isolation? (worktree)",
      ),
    max_iterations: z.number().min(1).max(20).optional(),
    keep: z.boolean().optional().describe("save the plan as .baton/workflows/<name>.yaml to rerun"),
  },
  output: {
    status: z.enum(["planned", "needs_plan"]),
    run_id: z.string().optional(),
    workflow: z.string().optional(),
    iterations: objectList,
    ready: z.array(z.string()).optional(),
    mermaid: z.string().optional(),
    instructions: z.string().optional(),
    role_catalog: objectList.optional(),
    plan_schema: z.record(z.string(), z.unknown()).optional(),
    next: z.string(),
  },
  handle: async (args, { engine, sampler }) => {
    const result = await (await import("../engine/decompose.js")).decomposeTask(engine, args, sampler);
    const { workflow_file: _f, sampling_problem: _p, ...shown } = result;
    return { ...shown, next: afterDecompose(result) };
  },
  render: renderDecompose,
  summarize: (r) =>
    r.status === "planned"
      ? `Planned run ${r.run_id}: ${r.iterations.length} iteration(s); ready: ${(r.ready ?? []).join(", ")}. ${r.next}`
      : `Needs a plan. ${r.next}`,
});
