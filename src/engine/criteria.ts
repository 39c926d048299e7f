import type { Check, Criterion, IterationSpec } from "../config/schema.js";

/** A check in words, as the command that re-runs it would confirm; `file` is a path or a pattern. */
export function describeCheck(check: Check, file = check.deliverable ?? check.path ?? ""): string {
  const f = code(file);
  const text = describeKind(check, f);
  return check.description ? `${text} — ${check.description}` : text;
}

/** Inline code that survives backticks in the text (CommonMark: a longer fence, padded). */
function code(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  if (runs.length === 0) return `\`${text}\``;
  const fence = "`".repeat(Math.max(...runs.map((r) => r.length)) + 1);
  return `${fence} ${text} ${fence}`;
}

function describeKind(check: Check, f: string): string {
  switch (check.check) {
    case "exists":
      return `${f} exists`;
    case "min_bytes":
      return `${f} has at least ${check.bytes} bytes`;
    case "max_bytes":
      return `${f} has at most ${check.bytes} bytes`;
    case "contains":
      return `${f} contains ${code(check.pattern ?? "")}`;
    case "not_contains":
      return `${f} does not contain ${code(check.pattern ?? "")}`;
    case "regex":
      return `${f} matches ${code(`/${check.pattern}/${check.flags ?? ""}`)}`;
    case "headings":
      return `${f} has the headings ${(check.headings ?? []).map((h) => `"${h}"`).join(", ")}`;
    case "json_schema":
    case "yaml_schema":
      return `${f} validates against ${typeof check.schema === "string" ? `\`${check.schema}\`` : "the workflow's inline schema"}`;
    case "markdown":
      return `${f} passes markdownlint${
        check.rules
          ? ` with the rules ${Object.entries(check.rules)
              .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
              .join(", ")}`
          : ""
      }`;
    case "json":
      return `${f} parses as JSON`;
    case "yaml":
      return `${f} parses as YAML`;
    case "scope":
      return "no file outside the declared deliverables is created or changed";
    case "command":
      return `${code(check.run ?? "")} exits 0 within ${check.timeout_s ?? 60} s (only when the operator allows commands)`;
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
