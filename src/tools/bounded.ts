import type { GeneratePromptsResult } from "../engine/generate.js";
import type { ValidationReport } from "../engine/validation-report.js";
import { iterationUri } from "../uris.js";

/**
 * Tool results stay far below 64 KB at any run size (#13): a host model reads them whole. Long
 * lists are cut to their first entries with a count of the rest and a URI of the full data (the
 * manifest, VALIDATION.md); counts and totals are always complete.
 */
export const LIST_LIMIT = 50;
/** Paths listed per shown assignment: an assignment may hold hundreds of targets. */
const PATHS_LIMIT = 10;
/**
 * Assignment rows across a whole get_status result, shared out among the iterations shown: fewer
 * in the workspace-wide view (many runs, ≤ 4,000 tokens after 100 runs) than for one run or iteration.
 */
export const STATUS_ASSIGNMENTS = { workspace: 30, run: 100 } as const;

/** The first `limit` items, and how many were left out. */
export function firstOf<T>(items: readonly T[], limit = LIST_LIMIT): { shown: T[]; omitted: number } {
  return { shown: items.slice(0, limit), omitted: Math.max(0, items.length - limit) };
}

function paths(list: readonly string[]): string[] {
  return list.length <= PATHS_LIMIT
    ? [...list]
    : [...list.slice(0, PATHS_LIMIT), `… ${list.length - PATHS_LIMIT} more`];
}

/** generate_prompts: the first assignments, the rest in the manifest (baton://iterations/{id}/manifest). */
export function boundGenerate<R extends GeneratePromptsResult>(
  result: R,
): Omit<R, "assignments"> & { assignments: R["assignments"]; assignments_omitted: number } {
  const { shown, omitted } = firstOf(result.assignments);
  return {
    ...result,
    assignments: shown.map((a) => ({ ...a, targets: paths(a.targets), deliverables: paths(a.deliverables) })),
    assignments_omitted: omitted,
  };
}

/**
 * validate_iteration: the first failures and reworks and every count; `next` names what was left
 * out and where the rest is (VALIDATION.md). A field per cut list would push tools/list past its budget.
 */
export function boundValidation<
  R extends Omit<ValidationReport, "assignments" | "report_path" | "new_learnings">,
>(report: R): R {
  return {
    ...report,
    failures: firstOf(report.failures).shown,
    skipped: firstOf(report.skipped).shown,
    rework: firstOf(report.rework).shown,
    failed_assignments: firstOf(report.failed_assignments, LIST_LIMIT * 2).shown,
  };
}

/** What boundValidation leaves out, in words for `next`; empty when nothing was cut. */
export function validationOmitted(report: ValidationReport): string {
  const cut = [
    [report.failures.length - LIST_LIMIT, "failure(s)"],
    [report.rework.length - LIST_LIMIT, "rework prompt(s)"],
    [report.failed_assignments.length - LIST_LIMIT * 2, "failed assignment(s)"],
  ].filter(([n]) => (n as number) > 0);
  if (cut.length === 0) return "";
  return ` Listed here are the first entries; ${cut.map(([n, what]) => `${n} more ${what}`).join(", ")} are in ${iterationUri(report.iteration_id, "validation")}.`;
}
