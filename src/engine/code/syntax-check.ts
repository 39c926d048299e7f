import type { FileFacts } from "../validate/files.js";
import type { CheckResult } from "../validate/results.js";
import { checkSyntax, syntaxLanguageOf } from "./syntax.js";

/** Whether Baton checks this file's syntax (by extension); the parsers themselves are not loaded. */
export function hasSyntaxCheck(file: string): boolean {
  return syntaxLanguageOf(file) !== undefined;
}

/**
 * `implicit:syntax`: a code deliverable parses as the language its extension names, with the
 * first error at file:line:col. Files too large to parse (or a parse abandoned) are skipped,
 * saying why, never passed. Undefined for a file Baton has no parser for.
 */
export async function syntaxCheck(facts: FileFacts): Promise<CheckResult | undefined> {
  const file = facts.file;
  const language = syntaxLanguageOf(file);
  if (language === undefined) return undefined;
  const problem = facts.contentProblem;
  if (problem) return { check: "implicit:syntax", file, status: "skipped", reason: problem };
  const result = await checkSyntax(file, facts.text());
  if (result === undefined) return undefined;
  if (result.ok === true) {
    return { check: "implicit:syntax", file, status: "passed", reason: `${file}: valid ${language} syntax` };
  }
  if (result.ok === "skipped")
    return { check: "implicit:syntax", file, status: "skipped", reason: result.reason };
  return {
    check: "implicit:syntax",
    file,
    status: "failed",
    reason: `${file}:${result.line}:${result.col}: ${language} syntax error: ${result.message}`,
    miss: { expected: `valid ${language}`, found: result.message, line: result.line },
  };
}
