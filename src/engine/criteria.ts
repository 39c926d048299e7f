import type { Check, Criterion, IterationSpec } from "../config/schema.js";

/** A check in words, as the command that re-runs it would confirm; `file` is a path or a pattern. */
export function describeCheck(check: Check, file = check.deliverable ?? check.path ?? ""): string {
  const f = `\`${file}\``;
  switch (check.check) {
    case "exists":
      return `${f} exists`;
    case "min_bytes":
      return `${f} has at least ${check.bytes} bytes`;
    case "max_bytes":
      return `${f} has at most ${check.bytes} bytes`;
    case "contains":
      return `${f} contains \`${check.pattern}\``;
    case "not_contains":
      return `${f} does not contain \`${check.pattern}\``;
    case "regex":
      return `${f} matches \`/${check.pattern}/${check.flags ?? ""}\``;
    case "headings":
      return `${f} has the headings ${(check.headings ?? []).map((h) => `"${h}"`).join(", ")}`;
    case "json_schema":
    case "yaml_schema":
      return `${f} validates against ${typeof check.schema === "string" ? `\`${check.schema}\`` : "the workflow's inline schema"}`;
    case "markdown":
      return `${f} passes markdownlint${check.rules ? " with the workflow's rules" : ""}`;
    case "json":
      return `${f} parses as JSON`;
    case "yaml":
      return `${f} parses as YAML`;
    case "scope":
      return "no file outside the declared deliverables is created or changed";
    case "command":
      return `\`${check.run}\` exits 0 within ${check.timeout_s ?? 60} s (only when the operator allows commands)`;
  }
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
