import type { Check, Criterion, IterationSpec } from "../config/schema.js";
import { describeKind } from "./validate/describe.js";
import { code } from "./validate/kinds/kind.js";

/** A check in words, as the command that re-runs it would confirm; `file` is a path or a pattern. */
export function describeCheck(check: Check, file = check.deliverable ?? check.path ?? ""): string {
  const text = describeKind(check, code(file));
  return check.description ? `${text} — ${check.description}` : text;
}

export function splitCriteria(criteria: readonly Criterion[]): { human: string[]; checks: Check[] } {
  return {
    human: criteria.filter((c): c is string => typeof c === "string"),
    checks: criteria.filter((c): c is Check => typeof c !== "string"),
  };
}

/** Checks that concern an assignment with these deliverable patterns: its own files, plus workspace-wide ones. */
export function checksForPatterns(iteration: IterationSpec, patterns: ReadonlySet<string>): Check[] {
  return splitCriteria(iteration.completion_criteria).checks.filter(
    (c) => (c.deliverable !== undefined && patterns.has(c.deliverable)) || c.deliverable === undefined,
  );
}
