import type { FileFacts } from "./files.js";
import type { CheckResult } from "./types.js";

type LintResults = Record<
  string,
  { lineNumber: number; ruleNames: string[]; ruleDescription: string; errorDetail: string | null }[]
>;
type LintSync = (options: {
  strings: Record<string, string>;
  config?: Record<string, unknown>;
}) => LintResults;

let lint: LintSync | undefined;

/** markdownlint is loaded on the first `markdown` check, not at start-up. */
async function loadLint(): Promise<LintSync> {
  lint ??= ((await import("markdownlint/sync")) as unknown as { lint: LintSync }).lint;
  return lint;
}

/** `markdown`: markdownlint with its defaults, or the workflow's `rules` config. */
export async function markdownCheck(
  file: string,
  facts: FileFacts,
  rules?: Record<string, unknown>,
): Promise<CheckResult> {
  const results = (await loadLint())({ strings: { [file]: facts.text() }, config: rules })[file] ?? [];
  if (results.length === 0)
    return { check: "markdown", file, status: "passed", reason: `${file}: markdownlint reports nothing` };
  const shown = results
    .slice(0, 10)
    .map(
      (r) =>
        `${r.lineNumber}: ${r.ruleNames.join("/")} ${r.ruleDescription}${r.errorDetail ? ` [${r.errorDetail}]` : ""}`,
    );
  return {
    check: "markdown",
    file,
    status: "failed",
    reason: `${file}: ${results.length} markdownlint problem(s): ${shown.join("; ")}${results.length > 10 ? "; …" : ""}`,
  };
}
