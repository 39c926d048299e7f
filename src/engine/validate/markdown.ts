import type { Configuration, LintError, Options } from "markdownlint";
import type { FileFacts } from "./files.js";
import type { CheckResult } from "./results.js";

type LintSync = (options: Options) => Record<string, LintError[]>;

let lint: LintSync | undefined;

/** markdownlint is loaded on the first `markdown` check, not at start-up. */
export async function loadMarkdownlint(): Promise<void> {
  lint ??= (await import("markdownlint/sync")).lint as LintSync;
}

const SHOWN = 20;

/** One markdownlint finding as `<line>: <rule> <description> [<detail>] [Context: "…"]`, like its CLI. */
function describe(e: LintError): string {
  const detail = e.errorDetail ? ` [${e.errorDetail}]` : "";
  const context = e.errorContext ? ` [Context: "${e.errorContext}"]` : "";
  return `${e.lineNumber}: ${e.ruleNames.join("/")} ${e.ruleDescription}${detail}${context}`;
}

/**
 * `markdown`: markdownlint with its default rules, or the check's `rules` (a markdownlint config
 * object, e.g. `{ MD013: { line_length: 120 } }`). Call `loadMarkdownlint` first.
 */
export function markdownCheck(facts: FileFacts, rules?: Record<string, unknown>): CheckResult {
  if (!lint) throw new Error("loadMarkdownlint() was not awaited");
  const file = facts.file;
  const options: Options = { strings: { [file]: facts.text() }, handleRuleFailures: true };
  if (rules) options.config = rules as Configuration;
  const found = lint(options)[file] ?? [];
  if (found.length === 0) {
    return { check: "markdown", file, status: "passed", reason: `${file}: markdownlint reports nothing` };
  }
  const shown = found.slice(0, SHOWN).map(describe).join("; ");
  const more = found.length > SHOWN ? `; and ${found.length - SHOWN} more` : "";
  return {
    check: "markdown",
    file,
    status: "failed",
    reason: `${file}: ${found.length} markdownlint ${found.length === 1 ? "issue" : "issues"}: ${shown}${more}`,
    miss: { found: found.length },
  };
}
