import { listRuns } from "../engine/queries.js";
import { runEstimatesUri, URI_TEMPLATES } from "../uris.js";
import { defineResource } from "./resource.js";

export const estimatesResource = defineResource({
  name: "run-estimates",
  uri: URI_TEMPLATES.runEstimates,
  title: "Run estimates versus actual usage",
  description:
    "Per assignment the token estimate, the actual usage and the error in percent; per role the mean absolute percentage error; risk labels versus outcomes (as `baton report`).",
  mimeType: "application/json",
  list: ({ engine }) =>
    listRuns(engine).map((r) => ({
      uri: runEstimatesUri(r.id),
      name: `${r.id} estimates`,
      description: `estimates versus usage of run ${r.id}`,
    })),
  read: async ({ run_id }, { engine }) => {
    const { estimatesReport } = await import("../engine/estimates-report.js");
    return JSON.stringify(estimatesReport(engine, run_id ?? ""), null, 2);
  },
});
