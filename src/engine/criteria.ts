import type { Check, Criterion } from "../config/schema.js";
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
