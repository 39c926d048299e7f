import { spawn } from "node:child_process";
import { mkdirSync, openSync, rmSync } from "node:fs";
import path from "node:path";
import { attemptUsage, logSize, readLogSince } from "../engine/agents/attempt.js";
import { resolveModel } from "../engine/agents/model.js";
import {
  AGENT_PRESETS,
  type AgentPreset,
  launchTemplate,
  MODEL_ENV,
  modelProblem,
  USAGE_FILE_ENV,
} from "../engine/agents/presets.js";
import type { UsageResult } from "../engine/agents/usage.js";
import type { EngineContext } from "../engine/engine.js";
import {
  type AgentHandle,
  type Launcher,
  type LaunchJob,
  type OrchestrateSummary,
  orchestrate,
} from "../engine/orchestrate.js";
import { getStatus } from "../engine/status.js";
import { UserError } from "../errors.js";
import { type Output, table } from "./output.js";
import { ProgressBars, type TerminalStream } from "./progress-bars.js";

/** `'…'` quoting for a value substituted into a shell command line. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * A launcher from a command line, or from an agent CLI preset (`--agent`, its command built per
 * job with the job's model): `{prompt}`, `{assignment}`, `{role}`, `{iteration}`, `{workspace}`,
 * `{workdir}`, `{model}` are replaced (shell-quoted), and the same values are in the environment as
 * BATON_PROMPT_FILE, BATON_ASSIGNMENT_ID, BATON_ROLE, BATON_ITERATION_ID, BATON_WORKSPACE,
 * BATON_WORKDIR, BATON_MODEL, plus BATON_DELIVERABLES (JSON), BATON_ATTEMPT and BATON_USAGE_FILE (a fresh
 * .baton/usage/<assignment>.<attempt>.json the launcher may write its usage to). Output is
 * appended to .baton/logs/<assignment>.log; each attempt's usage is read from its usage file or,
 * for a preset, from what the CLI printed in this attempt's part of the log.
 */
export function shellLauncher(launch: string | { preset: AgentPreset }): Launcher {
  return (job: LaunchJob): AgentHandle => {
    const preset = typeof launch === "string" ? undefined : launch.preset;
    const command = preset ? launchTemplate(preset, job.model) : (launch as string);
    const values: Record<string, string> = {
      prompt: job.prompt_file,
      assignment: job.assignment_id,
      role: job.role,
      iteration: job.iteration_id,
      workspace: job.workspace,
      workdir: job.workdir,
      model: job.model ?? "",
    };
    const line = command.replace(
      /\{(prompt|assignment|role|iteration|workspace|workdir|model)\}/g,
      (_, k: string) => shellQuote(values[k] ?? ""),
    );
    const name = job.assignment_id.replaceAll("/", "__");
    const logs = path.join(job.workspace, ".baton", "logs");
    mkdirSync(logs, { recursive: true });
    const logFile = path.join(logs, `${name}.log`);
    const offset = logSize(logFile);
    const usageName = `${name}.${job.attempt}.json`;
    const usageFile = path.join(job.workspace, ".baton", "usage", usageName);
    mkdirSync(path.dirname(usageFile), { recursive: true });
    // Fresh per attempt: a file left by an earlier, stopped run of this attempt is not its usage.
    rmSync(usageFile, { force: true });
    const log = openSync(logFile, "a");
    const child = spawn("/bin/sh", ["-c", line], {
      // The agent works in its workdir: its own git worktree under isolation.
      cwd: job.workdir,
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        BATON_PROMPT_FILE: job.prompt_file,
        BATON_ASSIGNMENT_ID: job.assignment_id,
        BATON_ROLE: job.role,
        BATON_ITERATION_ID: job.iteration_id,
        BATON_WORKSPACE: job.workspace,
        BATON_WORKDIR: job.workdir,
        BATON_DELIVERABLES: JSON.stringify(job.deliverables),
        BATON_ATTEMPT: String(job.attempt),
        [MODEL_ENV]: job.model ?? "",
        [USAGE_FILE_ENV]: usageFile,
      },
    });
    const usage = () =>
      attemptUsage({
        preset,
        output: readLogSince(logFile, offset),
        usageFile,
        usageFileLabel: `.baton/usage/${usageName}`,
      });
    const done = new Promise<{ code: number | null; usage?: UsageResult }>((resolve) => {
      child.on("exit", (code) => resolve({ code, usage: usage() }));
      child.on("error", () => resolve({ code: 127, usage: usage() }));
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
  /** An agent CLI preset to launch with instead of a launcher command. */
  agent?: AgentPreset;
  parallel: number;
  intervalS: number;
  stallMinutes?: number;
  isolate?: boolean;
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
      launcher: options.agent
        ? shellLauncher({ preset: options.agent })
        : typeof options.launcher === "string"
          ? shellLauncher(options.launcher)
          : options.launcher,
      parallel: options.parallel,
      intervalMs: options.intervalS * 1000,
      stallMinutes: options.stallMinutes,
      isolate: options.isolate,
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

/** Each workflow agent with the model it runs on (resolveModel), in iteration order. */
function workflowAgents(
  engine: EngineContext,
  workflow: string,
): { iteration: string; role: string; model?: string }[] {
  const loaded = engine.catalog.workflow(workflow);
  return loaded.spec.iterations.flatMap((it) =>
    it.agents.map((agent) => {
      const role = loaded.roles.get(agent.role);
      return { iteration: it.name, role: agent.role, model: role ? resolveModel(role, agent) : agent.model };
    }),
  );
}

/** Refuses a run whose models the preset's CLI cannot take, before any agent starts. */
export function checkPresetModels(engine: EngineContext, workflow: string, preset: AgentPreset): void {
  for (const agent of workflowAgents(engine, workflow)) {
    const problem = modelProblem(preset, agent.model);
    if (problem)
      throw new UserError(
        `--agent ${preset}: role \`${agent.role}\` of iteration \`${agent.iteration}\`: ${problem}`,
      );
  }
}

/**
 * `baton orchestrate --dry-run`: the exact command each preset (or the chosen one) would run for
 * each workflow agent, `{prompt}` standing for the prompt file; nothing is started or stored.
 */
export function dryRunCommand(
  engine: EngineContext,
  options: { workflow: string; agent?: AgentPreset; launcher?: string },
  out: Output,
): number {
  const presets = options.agent ? [options.agent] : options.launcher ? [] : [...AGENT_PRESETS];
  for (const agent of workflowAgents(engine, options.workflow)) {
    out.log(`${agent.iteration} / ${agent.role}${agent.model ? ` (model ${agent.model})` : ""}:`);
    if (options.launcher) out.log(`  launcher: ${options.launcher}`);
    for (const preset of presets) {
      const problem = modelProblem(preset, agent.model);
      out.log(`  ${preset}: ${problem ? `cannot run: ${problem}` : launchTemplate(preset, agent.model)}`);
    }
  }
  return 0;
}

export function summaryTable(summary: OrchestrateSummary): string {
  return table(
    ["iteration", "state", "assignments", "passed", "failed", "reworks", "stall restarts", "tokens used"],
    summary.iterations.map((it) => [
      `${it.name} (${it.id})`,
      it.state,
      String(it.assignments),
      String(it.passed),
      String(it.failed),
      String(it.reworks),
      String(it.stall_restarts),
      String(it.tokens_used),
    ]),
  );
}
