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
  out: RegexOutcome[];
  start: number;
}

/** One context and script for every regex check, made on first use (not at start-up). */
let guarded: { sandbox: Sandbox; batch: vm.Script; one: vm.Script } | undefined;

function guard(): { sandbox: Sandbox; batch: vm.Script; one: vm.Script } {
  guarded ??= {
    sandbox: vm.createContext({ jobs: [], out: [], start: 0 }) as Sandbox,
    batch: new vm.Script(
      "for (let i = start; i < jobs.length; i++) { const j = jobs[i]; j.regex.lastIndex = 0; out[i] = j.regex.test(j.text); }",
    ),
    one: new vm.Script("{ const j = jobs[0]; j.regex.lastIndex = 0; out[0] = j.regex.test(j.text); }"),
  };
  return guarded;
}

/** A regex test's outcome: matched or not, over its own limit, or stopped by the validation's deadline. */
export type RegexOutcome = boolean | "timeout" | "deadline";

/**
 * Runs regex tests under a time limit. All jobs run in one guarded call (a guarded call costs
 * ~50 µs, the match itself far less), with `timeoutMs` for each stretch; when a stretch runs out of
 * time, the job it stopped on is retried alone with the full limit, and fails only if it alone
 * exceeds it. No stretch runs past `deadline` (epoch ms): the jobs left then are "deadline". Between
 * stretches that ran out of time it awaits `pause`, so the server answers other requests meanwhile.
 */
export async function runRegexJobs(
  jobs: readonly RegexJob[],
  timeoutMs = REGEX_TIMEOUT_MS,
  deadline = Number.POSITIVE_INFINITY,
  pause: () => Promise<void> = async () => {},
): Promise<RegexOutcome[]> {
  const out: RegexOutcome[] = new Array(jobs.length);
  const { sandbox, batch } = guard();
  let start = 0;
  try {
    while (start < jobs.length) {
      const left = deadline - Date.now();
      if (left <= 0) {
        out.fill("deadline", start);
        break;
      }
      const limit = Math.max(1, Math.min(timeoutMs, Math.ceil(left)));
      // Set before every run: another validation may have used the shared sandbox while we paused.
      sandbox.jobs = jobs;
      sandbox.out = out;
      sandbox.start = start;
      try {
        batch.runInContext(sandbox, { timeout: limit });
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== "ERR_SCRIPT_EXECUTION_TIMEOUT") throw error;
        let stopped = start;
        while (out[stopped] !== undefined) stopped++;
        if (stopped === start) {
          out[stopped] = limit < timeoutMs ? "deadline" : "timeout"; // it ran alone from the start
          start = stopped + 1;
        } else {
          start = stopped; // retry it with a fresh limit
        }
      }
      await pause();
    }
  } finally {
    sandbox.jobs = [];
    sandbox.out = [];
  }
  return out;
}

/**
 * Whether `regex` matches `text`, within `timeoutMs`; "timeout" otherwise. One guarded call each,
 * for callers that test one string at a time (ajv's `pattern` keyword, through `boundedRegExp`).
 */
export function testBounded(regex: RegExp, text: string, timeoutMs: number): boolean | "timeout" {
  const { sandbox, one } = guard();
  sandbox.jobs = [{ regex, text }];
  sandbox.out = [];
  try {
    one.runInContext(sandbox, { timeout: Math.max(1, timeoutMs) });
    return sandbox.out[0] === true;
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return "timeout";
    throw error;
  } finally {
    sandbox.jobs = [];
    sandbox.out = [];
  }
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
