import { spawn } from "node:child_process";
import {
  loadOperatorConfig,
  OPERATOR_CONFIG_PATH,
  type OperatorCommand,
  type OperatorConfig,
  operatorCommand,
} from "../../config/operator.js";
import { ConfigError, UserError } from "../../errors.js";
import { commandReportText, prepareCommandReport } from "../code/test-report.js";
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
 * The environment a command runs with: Baton's own, less every `BATON_*` variable. Those hold the
 * server's secrets (`BATON_TOKEN`) and settings (`BATON_DB`) that no project command may see: its
 * output lands in VALIDATION.md, which every session reads.
 */
export function commandEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.toUpperCase().startsWith("BATON_")));
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
      env: commandEnv(),
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

/** The parameters of a `command` check (see kinds/command.ts). */
export interface CommandParams {
  run?: string;
  name?: string;
  optional?: boolean;
  timeout_s?: number;
}

/**
 * `command`: runs `run`, or the operator's command declared as `name` in .baton/config.yaml, through
 * the shell in the check's working folder; passes on exit 0 within the timeout. Only the operator
 * can allow commands (`--allow-commands`, BATON_ALLOW_COMMANDS=1); a workflow alone never runs one.
 * A declared command's test report names the failing tests in the reason.
 */
export async function commandCheck(check: CommandParams, ctx: CheckContext): Promise<CheckResult> {
  if (check.name === undefined) return execute(check.run ?? "", `\`${check.run}\``, check.timeout_s, ctx);
  const declared = declaredCommand(check.name, check.optional === true, ctx);
  if ("status" in declared) return declared;
  const workdir = ctx.workdir ?? ctx.workspace;
  return execute(
    declared.run,
    `\`${declared.name}\` (\`${declared.run}\`)`,
    check.timeout_s ?? declared.timeout_s,
    ctx,
    {
      before: () => prepareCommandReport(declared, workdir),
      after: (code) => commandReportText(declared, workdir, code),
    },
  );
}

/** The operator's command `name`, or the result of a check that cannot run it. */
function declaredCommand(name: string, optional: boolean, ctx: CheckContext): OperatorCommand | CheckResult {
  const fail = (reason: string): CheckResult => ({
    check: "command",
    status: "failed",
    reason,
    miss: { expected: name, found: "not declared" },
  });
  let config: OperatorConfig;
  try {
    // The operator's file lives in the workspace itself, never in an assignment's worktree.
    config = loadOperatorConfig(ctx.workspace);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UserError)
      return fail(`command \`${name}\` cannot be looked up: ${error.message}`);
    throw error;
  }
  if (optional && !config.commands.has(name)) {
    return {
      check: "command",
      status: "skipped",
      reason: `no command \`${name}\` declared in ${OPERATOR_CONFIG_PATH}`,
    };
  }
  try {
    return operatorCommand(config, name);
  } catch (error) {
    if (error instanceof UserError) return fail(error.message);
    throw error;
  }
}

interface ReportHooks {
  before(): Promise<void>;
  /** What the command's test report adds to its result, given its exit code. */
  after(code: number | null): Promise<string | undefined>;
}

async function execute(
  command: string,
  shown: string,
  timeoutS: number | undefined,
  ctx: CheckContext,
  report?: ReportHooks,
): Promise<CheckResult> {
  if (!ctx.allowCommands) {
    return {
      check: "command",
      status: "skipped",
      reason: `${shown} not run: commands are disabled; the operator enables them with --allow-commands or BATON_ALLOW_COMMANDS=1`,
    };
  }
  const seconds = timeoutS ?? DEFAULT_COMMAND_TIMEOUT_S;
  const cwd = (ctx.workdir ?? ctx.workspace).root;
  // A report problem (a report path the guard refuses) fails the check instead of the validation.
  try {
    await report?.before();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return fail(`${shown} not run: ${error.message}`, "not started");
  }
  const outcome = await run(command, cwd, seconds * 1000);
  const text = shownOutput(outcome.output, outcome.dropped);
  const tail = text ? `; output:\n${text}` : "; no output";
  if (outcome.error) return fail(`${shown} could not be started: ${outcome.error.message}`, "not started");
  if (outcome.timedOut)
    return fail(`${shown} did not finish within ${seconds} s and was stopped${tail}`, "timeout");
  if (outcome.code === 0) return { check: "command", status: "passed", reason: `${shown} exited 0${tail}` };
  // With a report, the failing tests come first: they are what the agent has to fix.
  const tests = await reportText(report, outcome.code);
  const rest = tests ? `\n${tests}${text ? `\noutput:\n${text}` : ""}` : tail;
  if (outcome.code !== null) return fail(`${shown} exited with code ${outcome.code}${rest}`, outcome.code);
  const signal = outcome.signal ?? "a signal";
  return fail(`${shown} was killed by ${signal}${rest}`, signal);
}

/** The report's words on a failure; a report that cannot be read is named, never fatal. */
async function reportText(report: ReportHooks | undefined, code: number | null): Promise<string | undefined> {
  if (!report) return undefined;
  try {
    return await report.after(code);
  } catch (error) {
    if (error instanceof UserError) return `its report cannot be read: ${error.message}`;
    throw error;
  }
}

/** The miss: exit code 0 expected; found the code, or why there is none. */
function fail(reason: string, found: string | number): CheckResult {
  return { check: "command", status: "failed", reason, miss: { expected: 0, found } };
}
