import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import path from "node:path";
import type { EngineContext } from "../engine/engine.js";
import {
  type AgentHandle,
  type Launcher,
  type LaunchJob,
  type OrchestrateSummary,
  orchestrate,
} from "../engine/orchestrate.js";
import { getStatus } from "../engine/status.js";
import { type Output, table } from "./output.js";
import { ProgressBars, type TerminalStream } from "./progress-bars.js";

/** `'…'` quoting for a value substituted into a shell command line. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A launcher from a command line: `{prompt}`, `{assignment}`, `{role}`, `{iteration}`,
 * `{workspace}` are replaced (shell-quoted), and the same values are in the environment as
 * BATON_PROMPT_FILE, BATON_ASSIGNMENT_ID, BATON_ROLE, BATON_ITERATION_ID, BATON_WORKSPACE, plus
 * BATON_DELIVERABLES (JSON) and BATON_ATTEMPT. Output goes to .baton/logs/<assignment>.log.
 */
export function shellLauncher(command: string): Launcher {
  return (job: LaunchJob): AgentHandle => {
    const values: Record<string, string> = {
      prompt: job.prompt_file,
      assignment: job.assignment_id,
      role: job.role,
      iteration: job.iteration_id,
      workspace: job.workspace,
    };
    const line = command.replace(/\{(prompt|assignment|role|iteration|workspace)\}/g, (_, k: string) =>
      shellQuote(values[k] ?? ""),
    );
    const logs = path.join(job.workspace, ".baton", "logs");
    mkdirSync(logs, { recursive: true });
    const log = openSync(path.join(logs, `${job.assignment_id.replaceAll("/", "__")}.log`), "a");
    const child = spawn("/bin/sh", ["-c", line], {
      cwd: job.workspace,
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        BATON_PROMPT_FILE: job.prompt_file,
        BATON_ASSIGNMENT_ID: job.assignment_id,
        BATON_ROLE: job.role,
        BATON_ITERATION_ID: job.iteration_id,
        BATON_WORKSPACE: job.workspace,
        BATON_DELIVERABLES: JSON.stringify(job.deliverables),
        BATON_ATTEMPT: String(job.attempt),
      },
    });
    const done = new Promise<{ code: number | null }>((resolve) => {
      child.on("exit", (code) => resolve({ code }));
      child.on("error", () => resolve({ code: 127 }));
    });
    return {
      done,
      // The whole process group: the shell and whatever agent it started.
      stop: () => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      },
    };
  };
}

export interface OrchestrateCommandOptions {
  workflow: string;
  inputs?: Record<string, string>;
  launcher?: string | Launcher;
  parallel: number;
  intervalS: number;
  stallMinutes?: number;
  signal?: AbortSignal;
  /** Draw progress bars (a terminal) instead of plain lines only. */
  tty?: boolean;
  /** Where the bars are drawn (default: process.stdout). */
  stream?: TerminalStream;
  /** Print the summary as JSON (progress lines go to stderr). */
  json?: boolean;
}

/** `baton orchestrate`: exit 0 when the run completed, 1 when an iteration failed, 130 when interrupted. */
export async function orchestrateCommand(
  engine: EngineContext,
  options: OrchestrateCommandOptions,
  out: Output,
): Promise<number> {
  const bars = options.tty && !options.json ? new ProgressBars(options.stream) : undefined;
  // With --json stdout carries only the summary; the progress lines go to stderr.
  const log = bars ? (line: string) => bars.log(line) : options.json ? out.error : out.log;
  let summary: OrchestrateSummary;
  try {
    summary = await orchestrate(engine, {
      workflow: options.workflow,
      inputs: options.inputs,
      launcher: typeof options.launcher === "string" ? shellLauncher(options.launcher) : options.launcher,
      parallel: options.parallel,
      intervalMs: options.intervalS * 1000,
      stallMinutes: options.stallMinutes,
      wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log,
      signal: options.signal,
      onTick: bars && ((iterationId) => bars.update(getStatus(engine, { iteration_id: iterationId }))),
    });
  } finally {
    bars?.stop();
  }
  if (options.json) out.log(JSON.stringify(summary, null, 2));
  else {
    out.log("");
    out.log(summaryTable(summary));
    out.log(summary.message);
    if (summary.learnings.length > 0) out.log(`new learnings: ${summary.learnings.join(", ")}`);
  }
  return summary.status === "completed" ? 0 : summary.status === "interrupted" ? 130 : 1;
}

export function summaryTable(summary: OrchestrateSummary): string {
  return table(
    ["iteration", "state", "assignments", "passed", "failed", "reworks", "stall restarts"],
    summary.iterations.map((it) => [
      `${it.name} (${it.id})`,
      it.state,
      String(it.assignments),
      String(it.passed),
      String(it.failed),
      String(it.reworks),
      String(it.stall_restarts),
    ]),
  );
}
