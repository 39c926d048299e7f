import type { FileFacts } from "./files.js";
import { markdownParserLoaded, markdownTreeOf, scanFences, unclosedFenceLines } from "./markdown-tree.js";
import { jsonOf, yamlOf } from "./parse.js";
import type { CheckResult } from "./results.js";
import { NO_FILE } from "./size.js";

export type FormatKind = "json" | "yaml" | "markdown";

/** The format an extension promises, if Baton checks it. */
export function formatOf(file: string): FormatKind | undefined {
  const dot = file.lastIndexOf(".");
  if (dot === -1 || dot < file.lastIndexOf("/")) return undefined;
  switch (file.slice(dot + 1).toLowerCase()) {
    case "json":
      return "json";
    case "yaml":
    case "yml":
      return "yaml";
    case "md":
    case "markdown":
      return "markdown";
    default:
      return undefined;
  }
}

/**
 * Format validity by extension: JSON and YAML parse; Markdown has content and no unclosed code
 * fence. Returns "needs-parser" when the fast fence scan cannot decide and the Markdown parser is
 * not loaded yet (the runner loads it and asks again). Style is never checked implicitly.
 */
export function formatCheck(facts: FileFacts): CheckResult | "needs-parser" | undefined {
  const file = facts.file;
  const kind = formatOf(file);
  if (kind === undefined) return undefined;
  const problem = facts.contentProblem;
  if (problem) {
    // Only size can keep a file that exists from being read; an explicit check would fail on it.
    return facts.exists
      ? { check: "implicit:format", file, status: "skipped", reason: problem }
      : { check: "implicit:format", file, status: "failed", reason: problem, miss: NO_FILE };
  }
  const fail = (reason: string): CheckResult => ({
    check: "implicit:format",
    file,
    status: "failed",
    reason,
    miss: { expected: kind },
  });
  if (kind === "json" || kind === "yaml") {
    const parsed = kind === "json" ? jsonOf(facts) : yamlOf(facts);
    return parsed.ok
      ? { check: "implicit:format", file, status: "passed", reason: `${file}: valid ${kind.toUpperCase()}` }
      : fail(`${file}: ${parsed.problem}`);
  }
  const text = facts.text();
  if (text.trim() === "") return fail(`${file}: Markdown file is empty`);
  if (scanFences(text) !== "closed") {
    if (!markdownParserLoaded()) return "needs-parser";
    const lines = unclosedFenceLines(markdownTreeOf(facts));
    if (lines.length > 0) {
      return fail(
        `${file}: unclosed code ${lines.length === 1 ? "fence opened at line" : "fences opened at lines"} ${lines.join(", ")}`,
      );
    }
  }
  return {
    check: "implicit:format",
    file,
    status: "passed",
    reason: `${file}: valid Markdown (not empty, code fences closed)`,
  };
}
