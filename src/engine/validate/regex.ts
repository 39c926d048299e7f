import vm from "node:vm";
import type { FileFacts } from "./files.js";
import type { CheckResult } from "./types.js";

/** A regex gets this long per file; catastrophic backtracking is a failure, not a hang. */
export const REGEX_TIMEOUT_MS = 1000;

const matcher = new vm.Script("regex.test(text)");
/** One sandbox for every regex check: creating a context per file would cost more than the match. */
const sandbox = vm.createContext({ regex: /$^/, text: "" });

export function regexCheck(file: string, facts: FileFacts, pattern: string, flags = ""): CheckResult {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    return {
      check: "regex",
      file,
      status: "failed",
      reason: `/${pattern}/${flags} is not a valid regex: ${(error as Error).message}`,
    };
  }
  let matched: boolean;
  try {
    sandbox.regex = regex;
    sandbox.text = facts.text();
    matched = matcher.runInContext(sandbox, { timeout: REGEX_TIMEOUT_MS }) as boolean;
  } catch {
    return {
      check: "regex",
      file,
      status: "failed",
      reason: `${file}: /${pattern}/${flags} did not finish within ${REGEX_TIMEOUT_MS} ms (catastrophic backtracking?); simplify the pattern`,
    };
  }
  return matched
    ? { check: "regex", file, status: "passed", reason: `${file}: matches /${pattern}/${flags}` }
    : { check: "regex", file, status: "failed", reason: `${file}: no match for /${pattern}/${flags}` };
}
