import { listRuns } from "../engine/queries.js";
import { statusResult } from "../tools/get-status.js";
import { runUri, URI_TEMPLATES } from "../uris.js";
import { defineResource } from "./resource.js";

export const runResource = defineResource({
  name: "run",
  uri: URI_TEMPLATES.run,
  title: "Run",
  description:
    "A run's inputs, iterations and assignment counts, with the first assignments' states and progress (the same view as get_status).",
  mimeType: "application/json",
  list: ({ engine }) =>
    listRuns(engine).map((r) => ({ uri: runUri(r.id), name: r.id, description: `run of ${r.workflow}` })),
  // get_status's own budget of rows: at 10,000 assignments the full list was megabytes.
  read: async ({ run_id }, { engine }) =>
    JSON.stringify(await statusResult(engine, { run_id: run_id ?? "" }), null, 2),
});
