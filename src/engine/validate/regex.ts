import vm from "node:vm";
import type { FileFacts } from "./files.js";
import type { CheckResult } from "./results.js";

/** How long one regex may run on one file; catastrophic backtracking is a failure, not a hang. */
export const REGEX_TIMEOUT_MS = 1000;

/** One regex test to run: the compiled regex and the file it runs on. */
export interface RegexJob {
  regex: RegExp;
  text: string;
}

interface Sandbox extends vm.Context {
  jobs: readonly RegexJob[];
  out: (boolean | "timeout")[];
  start: number;
}

/** One context and script for every regex check, made on first use (not at start-up). */
let guarded: { sandbox: Sandbox; batch: vm.Script } | undefined;

function guard(): { sandbox: Sandbox; batch: vm.Script } {
  guarded ??= {
    sandbox: vm.createContext({ jobs: [], out: [], start: 0 }) as Sandbox,
    batch: new vm.Script(
      "for (let i = start; i < jobs.length; i++) { const j = jobs[i]; j.regex.lastIndex = 0; out[i] = j.regex.test(j.text); }",
    ),
  };
  return guarded;
}

/**
 * Runs regex tests under a time limit. All jobs run in one guarded call (a guarded call costs
 * ~50 µs, the match itself far less), with `timeoutMs` for each stretch; when a stretch runs out of
 * time, the job it stopped on is retried alone with the full limit, and fails only if it alone
 * exceeds it. Returns true/false per job, or "timeout".
 */
export function runRegexJobs(
  jobs: readonly RegexJob[],
  timeoutMs = REGEX_TIMEOUT_MS,
): (boolean | "timeout")[] {
  const out: (boolean | "timeout")[] = new Array(jobs.length);
  const { sandbox, batch } = guard();
  sandbox.jobs = jobs;
  sandbox.out = out;
  let start = 0;
  try {
    while (start < jobs.length) {
      sandbox.start = start;
      try {
        batch.runInContext(sandbox, { timeout: timeoutMs });
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== "ERR_SCRIPT_EXECUTION_TIMEOUT") throw error;
        let stopped = start;
        while (out[stopped] !== undefined) stopped++;
        if (stopped === start) {
          out[stopped] = "timeout"; // it ran alone from the start of the stretch
          start = stopped + 1;
        } else {
          start = stopped; // retry it with a fresh limit
        }
      }
    }
  } finally {
    sandbox.jobs = [];
    sandbox.out = [];
  }
  return out;
}

/** Compiles a check's regex, or explains why it is not one. */
export function compileRegex(pattern: string, flags = ""): RegExp | string {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    return `/${pattern}/${flags} is not a valid regular expression: ${(error as Error).message}`;
  }
}

/** The result of a `regex` check once its job ran. */
export function regexResult(
  facts: FileFacts,
  pattern: string,
  flags: string,
  outcome: boolean | "timeout",
  timeoutMs = REGEX_TIMEOUT_MS,
): CheckResult {
  const file = facts.file;
  const shown = `/${pattern}/${flags}`;
  if (outcome === "timeout") {
    return {
      check: "regex",
      file,
      status: "failed",
      reason: `${file}: ${shown} did not finish within ${timeoutMs} ms (catastrophic backtracking?); simplify the pattern`,
      miss: { found: "timeout" },
    };
  }
  return outcome
    ? { check: "regex", file, status: "passed", reason: `${file}: matches ${shown}` }
    : {
        check: "regex",
        file,
        status: "failed",
        reason: `${file}: no match for ${shown}`,
        miss: { expected: shown },
      };
}
