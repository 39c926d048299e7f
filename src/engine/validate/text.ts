import type { FileFacts } from "./files.js";
import type { CheckResult } from "./types.js";

/** `contains` / `not_contains`: plain text, case-sensitive. */
export function containsCheck(file: string, facts: FileFacts, pattern: string, wanted: boolean): CheckResult {
  const check = wanted ? "contains" : "not_contains";
  const found = facts.text().includes(pattern);
  if (found === wanted) {
    return {
      check,
      file,
      status: "passed",
      reason: `${file}: ${wanted ? "contains" : "does not contain"} "${pattern}"`,
    };
  }
  if (wanted) return { check, file, status: "failed", reason: `${file}: does not contain "${pattern}"` };
  const line = facts.text().slice(0, facts.text().indexOf(pattern)).split("\n").length;
  return {
    check,
    file,
    status: "failed",
    reason: `${file}: contains "${pattern}" (line ${line}), which is not allowed`,
  };
}
