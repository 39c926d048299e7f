import { z } from "zod";
import { getStatus } from "../engine/status.js";
import { defineTool } from "./tool.js";

const assignmentSchema = z.object({
  id: z.string(),
  role: z.string(),
  state: z.enum(["pending", "claimed", "submitted", "passed", "failed"]),
  progress: z.number(),
  stalled: z.boolean(),
  agent: z.string().nullable(),
  attempts: z.number().int(),
  deliverables_done: z.number().int(),
  deliverables_total: z.number().int(),
  elapsed_s: z.number().nullable(),
  last_change_at: z.string().nullable(),
});

export const getStatusTool = defineTool({
  name: "get_status",
  title: "Get status",
  kind: "read",
  description: `Progress of runs, iterations and assignments, measured from the deliverable files on disk (bytes written against expected size), with stalled flags and the next actions to take.
Use it to decide what to do next, or while sub-agents work. Without arguments it covers every run in the workspace; pass run_id or iteration_id to narrow it.
Returns runs[] → iterations[] → assignments[] (id, state, progress 0–1, stalled) and next[] (suggested tool calls).
Example: {"run_id": "user-story-refinement-1"}`,
  input: {
    run_id: z.string().optional(),
    iteration_id: z.string().optional(),
  },
  output: {
    runs: z.array(
      z.object({
        id: z.string(),
        workflow: z.string(),
        status: z.enum(["active", "completed", "failed"]),
        inputs: z.record(z.string(), z.string()),
        iterations: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            state: z.enum(["materialized", "generated", "passed", "failed"]),
            path: z.string(),
            progress: z.number(),
            assignments: z.array(assignmentSchema),
          }),
        ),
        not_created: z.array(z.string()),
      }),
    ),
    next: z.array(z.string()),
  },
  handle: async (args, { engine }) => getStatus(engine, args),
  summarize: (r) => `${r.runs.length} run(s). Next: ${r.next.join("; ") || "nothing to do"}`,
});
