import { listRuns, workflowStarts } from "../engine/queries.js";
import { afterStatus } from "../tools/hints.js";
import { runUri, URI_TEMPLATES } from "../uris.js";
import { defineResource } from "./resource.js";

export const runResource = defineResource({
  name: "run",
  uri: URI_TEMPLATES.run,
  title: "Run",
  description:
    "A run's inputs, iterations and assignments with their states and progress (the same view as get_status).",
  mimeType: "application/json",
  list: ({ engine }) =>
    listRuns(engine).map((r) => ({ uri: runUri(r.id), name: r.id, description: `run of ${r.workflow}` })),
  read: async ({ run_id }, { engine }) => {
    const { getStatus } = await import("../engine/status.js");
    return JSON.stringify(
      afterStatus(getStatus(engine, { run_id: run_id ?? "" }), () => workflowStarts(engine)),
      null,
      2,
    );
  },
});
