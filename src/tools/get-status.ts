import { z } from "zod";
import { RUN_VIEW_META } from "../dashboard/mcp-app.js";
import type { EngineContext } from "../engine/engine.js";
import { STATUS_ASSIGNMENTS } from "./bounded.js";
import { afterStatus } from "./hints.js";
import { renderStatus } from "./render.js";
import { defineTool, objectList } from "./tool.js";

/** Finished runs shown by get_status {}; the rest are counted (runs_omitted) and readable as baton://runs/{id}. */
const RECENT_RUNS = 5;

export const getStatusTool = defineTool({
  name: "get_status",
  title: "Get status",
  kind: "read",
  meta: RUN_VIEW_META,
  description: `Progress of runs → iterations → assignments from the deliverable files on disk, and next[]: suggested calls.
Example: {} or {"run_id": "wf-1"}`,
  input: {
    run_id: z.string().optional(),
    iteration_id: z.string().optional(),
  },
  output: {
    runs: objectList,
    runs_omitted: z.number().optional(),
    next: z.array(z.string()),
  },
  handle: async (args, { engine }) => statusResult(engine, args),
  render: renderStatus,
  summarize: (r) => `${r.runs.length} run(s). Next: ${r.next.join("; ") || "nothing to do"}`,
});

/** get_status's result: the report within its budget of assignment rows, and the next calls. */
export async function statusResult(engine: EngineContext, args: { run_id?: string; iteration_id?: string }) {
  const [{ getStatus }, { workflowStarts }] = await Promise.all([
    import("../engine/status.js"),
    import("../engine/queries.js"),
  ]);
  const rows = args.run_id || args.iteration_id ? STATUS_ASSIGNMENTS.run : STATUS_ASSIGNMENTS.workspace;
  return afterStatus(getStatus(engine, { ...args, recent: RECENT_RUNS, rows }), () => workflowStarts(engine));
}
