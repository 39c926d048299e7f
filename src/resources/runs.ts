import { getStatus } from "../engine/status.js";
import { defineResource } from "./resource.js";

export const runResource = defineResource({
  name: "run",
  uri: "baton://runs/{run_id}",
  title: "Run",
  description:
    "A run's inputs, iterations and assignments with their states and progress (the same view as get_status).",
  mimeType: "application/json",
  list: ({ engine }) =>
    engine.store
      .listRuns()
      .map((r) => ({ uri: `baton://runs/${r.id}`, name: r.id, description: `run of ${r.workflow}` })),
  read: ({ run_id }, { engine }) => JSON.stringify(getStatus(engine, { run_id: run_id ?? "" }), null, 2),
});
