import type { FileFacts } from "./files.js";
import type { CheckResult } from "./results.js";

/** `contains`: the exact text occurs (case-sensitive). */
export function containsCheck(facts: FileFacts, pattern: string): CheckResult {
  const file = facts.file;
  return facts.text().includes(pattern)
    ? { check: "contains", file, status: "passed", reason: `${file}: contains ${quote(pattern)}` }
    : {
        check: "contains",
        file,
        status: "failed",
        reason: `${file}: does not contain ${quote(pattern)}`,
        miss: { expected: pattern },
      };
}

/** `not_contains`: the exact text does not occur; a failure names the first line it is on. */
export function notContainsCheck(facts: FileFacts, pattern: string): CheckResult {
  const file = facts.file;
  const text = facts.text();
  const at = text.indexOf(pattern);
  if (at === -1) {
    return {
      check: "not_contains",
      file,
      status: "passed",
      reason: `${file}: does not contain ${quote(pattern)}`,
    };
  }
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < at; i = text.indexOf("\n", i + 1)) line++;
  return {
    check: "not_contains",
    file,
    status: "failed",
    reason: `${file}: contains ${quote(pattern)} at line ${line}, which is not allowed`,
    miss: { expected: pattern, line },
  };
}

/** A pattern shown in a reason: double-quoted, newlines visible. */
export function quote(text: string): string {
  return text.includes("\n") ? `"${text.replace(/\n/g, "\\n")}"` : `"${text}"`;
}
