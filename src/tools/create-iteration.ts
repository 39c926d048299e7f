import { z } from "zod";
import { RUN_VIEW_META } from "../dashboard/mcp-app.js";
import type { EngineContext } from "../engine/engine.js";
import { quoteList, UserError } from "../errors.js";
import { afterCreate } from "./hints.js";
import { linksOfCreate, renderCreate } from "./render.js";
import { defineTool, type Elicitor } from "./tool.js";

export const createIterationTool = defineTool({
  name: "create_iteration",
  title: "Create iteration",
  kind: "write",
  meta: RUN_VIEW_META,
  description: `Start a run of a workflow (baton://workflows) or continue one (run_id): materializes the next ready iteration's folder. Refuses iterations whose dependencies have not passed, unless force.
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
  handle: async (args, { engine, elicit }) => {
    // Missing references reach the model through `next` (the output schema stays as small as it is).
    const { createIteration } = await import("../engine/create-iteration.js");
    const created = await createIteration(engine, await askMissingInputs(engine, args, elicit));
    const { missing_references: _inNext, ...result } = created;
    return { ...result, next: afterCreate(created) };
  },
  render: renderCreate,
  links: linksOfCreate,
  summarize: (r) =>
    `${r.created ? "Created" : "Refreshed"} iteration ${r.iteration_id} (${r.iteration}) at ${r.path} with ${r.targets} target(s). ${r.next}`,
});

/**
 * A new run whose required inputs are missing: when the client can show a form, the person is
 * asked for them instead of the call failing. Declined or cancelled, nothing is created.
 */
async function askMissingInputs<A extends { workflow?: string; inputs?: Record<string, string> }>(
  engine: EngineContext,
  args: A,
  elicit: Elicitor | undefined,
): Promise<A> {
  if (!elicit || !args.workflow) return args;
  const { missingInputs } = await import("../engine/create-iteration.js");
  const missing = missingInputs(engine, args.workflow, args.inputs ?? {});
  if (missing.length === 0) return args;
  const answer = await elicit({
    message: `Workflow \`${args.workflow}\` needs ${missing.length === 1 ? "an input" : "inputs"} to start a run.`,
    fields: Object.fromEntries(
      missing.map((m) => [m.name, { type: "string" as const, title: m.name, description: m.description }]),
    ),
    required: missing.map((m) => m.name),
  });
  if (answer.action !== "accept" || !answer.content) {
    throw new UserError(
      `the person ${answer.action === "decline" ? "declined" : "cancelled"} the form for input ${quoteList(missing.map((m) => m.name))}: nothing was created; pass them in \`inputs\``,
    );
  }
  const given = Object.fromEntries(
    missing.flatMap((m) => {
      const value = answer.content?.[m.name];
      return typeof value === "string" && value !== "" ? [[m.name, value]] : [];
    }),
  );
  return { ...args, inputs: { ...args.inputs, ...given } };
}
