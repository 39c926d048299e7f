import type { EngineContext } from "../engine/engine.js";
import { listRuns } from "../engine/queries.js";
import { UserError } from "../errors.js";
import { runEstimatesUri, URI_TEMPLATES } from "../uris.js";
import { defineResource } from "./resource.js";

/**
 * Assignments per page of a run's estimates: at 10,000 assignments the whole list is megabytes a
 * host would read at once. Fifty stay far below 64 KB even with measured usage on each.
 */
export const ESTIMATES_PAGE_SIZE = 50;

/** Where a page stands among the pages: their count, and the URI of the next one. */
function paging(runId: string, page: number, total: number) {
  const pages = Math.max(1, Math.ceil(total / ESTIMATES_PAGE_SIZE));
  return {
    assignments_total: total,
    page,
    pages,
    ...(page < pages ? { next_page: runEstimatesUri(runId, page + 1) } : {}),
  };
}

export const estimatesResource = defineResource({
  name: "run-estimates",
  uri: URI_TEMPLATES.runEstimates,
  title: "Run estimates versus actual usage",
  description: `Per role the mean absolute percentage error; risk labels versus outcomes (as \`baton report\`); per assignment the token estimate, the actual usage and the error in percent, ${ESTIMATES_PAGE_SIZE} a page (next_page).`,
  mimeType: "application/json",
  list: ({ engine }) =>
    listRuns(engine).map((r) => ({
      uri: runEstimatesUri(r.id),
      name: `${r.id} estimates`,
      description: `estimates versus usage of run ${r.id}`,
    })),
  read: async ({ run_id }, { engine }) => {
    const { estimatesReport } = await import("../engine/estimates-report.js");
    // The totals per role and risk label need every assignment; only the first page is listed.
    const { assignments, ...report } = estimatesReport(engine, run_id ?? "");
    return JSON.stringify(
      {
        ...report,
        assignments: assignments.slice(0, ESTIMATES_PAGE_SIZE),
        ...paging(report.run_id, 1, assignments.length),
      },
      null,
      2,
    );
  },
});

export const estimatesPageResource = defineResource({
  name: "run-estimates-page",
  uri: URI_TEMPLATES.runEstimatesPage,
  title: "Run estimates, one page of assignments",
  description: `Page {page} (from 1) of a run's assignment estimates, ${ESTIMATES_PAGE_SIZE} a page; each links the next as next_page.`,
  mimeType: "application/json",
  read: async ({ run_id, page }, { engine }) =>
    JSON.stringify(await estimatesPageOf(engine, run_id ?? "", page ?? ""), null, 2),
});

async function estimatesPageOf(engine: EngineContext, runId: string, page: string) {
  const { estimatesPage } = await import("../engine/estimates-report.js");
  const n = /^[1-9]\d{0,8}$/.test(page) ? Number(page) : 0;
  const { assignments, total } = estimatesPage(
    engine,
    runId,
    Math.max(0, n - 1) * ESTIMATES_PAGE_SIZE,
    ESTIMATES_PAGE_SIZE,
  );
  const { pages } = paging(runId, 1, total);
  if (n < 1 || n > pages)
    throw new UserError(
      `page \`${page}\` does not exist: the estimates of run ${runId} have pages 1 to ${pages}`,
    );
  return { run_id: runId, assignments, ...paging(runId, n, total) };
}
