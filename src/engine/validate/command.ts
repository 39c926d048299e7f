import { spawn } from "node:child_process";
import { DEFAULT_COMMAND_TIMEOUT_S } from "./kinds/params.js";
import type { CheckContext, CheckResult } from "./results.js";

export { DEFAULT_COMMAND_TIMEOUT_S };
/** Output shown in a reason: the last this-many characters (errors come last). */
export const OUTPUT_LIMIT = 2000;
/** Output kept while the command runs, so a chatty command cannot exhaust memory. */
const KEEP = 64 * 1024;

/** The tail of a command's output, trimmed, with a note of what was cut. */
function shownOutput(output: string, dropped: number): string {
  const trimmed = output.trim();
  if (trimmed.length <= OUTPUT_LIMIT && dropped === 0) return trimmed;
  const tail = trimmed.slice(-OUTPUT_LIMIT);
  return `[… ${dropped + trimmed.length - tail.length} characters omitted]\n${tail}`;
}

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
  dropped: number;
  error?: Error;
}

/**
 * Runs a command through the shell in `cwd`, stdout and stderr together, killing its whole
 * process group when it runs out of time (so `sh -c "a && b"` leaves nothing behind).
 */
function run(command: string, cwd: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let output = "";
    let dropped = 0;
    let timedOut = false;
    let settled = false;
    const child = spawn(command, {
      cwd,
      shell: true,
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32",
      windowsHide: true,
    });
    const collect = (chunk: string) => {
      output += chunk;
      if (output.length > KEEP) {
        dropped += output.length - KEEP;
        output = output.slice(-KEEP);
      }
    };
    child.stdout.setEncoding("utf8").on("data", collect);
    child.stderr.setEncoding("utf8").on("data", collect);
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code, signal, timedOut, output, dropped, error });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child.pid);
      // A process that left the group may hold the pipes open; do not wait for it.
      if (child.exitCode !== null || child.signalCode !== null) finish(child.exitCode, child.signalCode);
    }, timeoutMs);
    child.on("error", (error) => finish(null, null, error));
    child.on("exit", (code, signal) => {
      if (timedOut) finish(code, signal);
    });
    child.on("close", (code, signal) => finish(code, signal));
  });
}

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    if (process.platform === "win32") process.kill(pid, "SIGKILL");
    else process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * `command`: runs `run` through the shell with the workspace as cwd; passes on exit 0 within
 * `timeout_s`. Only the operator can allow commands (`--allow-commands`); a workflow alone never runs one.
 */
export async function commandCheck(
  command: string,
  timeoutS: number | undefined,
  ctx: CheckContext,
): Promise<CheckResult> {
  const shown = `\`${command}\``;
  if (!ctx.allowCommands) {
    return {
      check: "command",
      status: "skipped",
      reason: `${shown} not run: commands are disabled; run with --allow-commands to enable`,
    };
  }
  const seconds = timeoutS ?? DEFAULT_COMMAND_TIMEOUT_S;
  const outcome = await run(command, ctx.workspace.root, seconds * 1000);
  const text = shownOutput(outcome.output, outcome.dropped);
  const tail = text ? `; output:\n${text}` : "; no output";
  // The miss: exit code 0 expected; found the code, or why there is none.
  const fail = (reason: string, found: string | number): CheckResult => ({
    check: "command",
    status: "failed",
    reason,
    miss: { expected: 0, found },
  });
  if (outcome.error) return fail(`${shown} could not be started: ${outcome.error.message}`, "not started");
  if (outcome.timedOut)
    return fail(`${shown} did not finish within ${seconds} s and was stopped${tail}`, "timeout");
  if (outcome.code === 0) return { check: "command", status: "passed", reason: `${shown} exited 0${tail}` };
  if (outcome.code !== null) return fail(`${shown} exited with code ${outcome.code}${tail}`, outcome.code);
  const signal = outcome.signal ?? "a signal";
  return fail(`${shown} was killed by ${signal}${tail}`, signal);
}
