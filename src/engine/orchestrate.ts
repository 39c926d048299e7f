import path from "node:path";
import { patternMatcher } from "../config/placeholders.js";
import type { AssignmentRecord, IterationRecord, RunRecord } from "../store/records.js";
import { resolveModel } from "./agents/model.js";
import type { UsageResult } from "./agents/usage.js";
import { workdirOf } from "./code/isolation.js";
import { LEASE_MS } from "./constants.js";
import { createIteration, startRun } from "./create-iteration.js";
import type { EngineContext } from "./engine.js";
import { generatePrompts } from "./generate.js";
import { reworkPromptPath } from "./ids.js";
import { LiveMonitor } from "./monitor.js";
import { type IterationBundle, resolveIteration } from "./resolve.js";
import { validateIteration } from "./validation.js";

/** One agent to start: its prompt file and what it must write. */
export interface LaunchJob {
  assignment_id: string;
  local_id: string;
  role: string;
  iteration_id: string;
  /** Absolute path of the prompt to work from (the rework prompt on a retry). */
  prompt_file: string;
  deliverables: string[];
  workspace: string;
  /** Absolute folder the agent works in: its git worktree under isolation, else the workspace. */
  workdir: string;
  /** 1 for the first attempt, 2 for the first rework, … */
  attempt: number;
  /** The model of the workflow agent or its role (resolveModel); none: the CLI's default. */
  model?: string;
}

export interface AgentHandle {
  /** Settles when the agent exits, with the usage the attempt reported or measured (or why none). */
  done: Promise<{ code: number | null; usage?: UsageResult }>;
  /** Stops the agent (a stall); `done` settles afterwards. */
  stop(): void;
}

export type Launcher = (job: LaunchJob) => AgentHandle;

export interface OrchestrateOptions {
  workflow: string;
  inputs?: Record<string, string>;
  /** Starts agents; without it, the prompts are printed for a person and Baton waits in monitor mode. */
  launcher?: Launcher;
  parallel: number;
  /** Time between looks at the deliverables. */
  intervalMs: number;
  stallMinutes?: number;
  wait: (ms: number) => Promise<void>;
  log: (line: string) => void;
  /** Aborted on Ctrl-C: running agents are stopped and their assignments released. */
  signal?: AbortSignal;
  /** Each assignment in its own git worktree, whatever the workflow says (`--isolate`). */
  isolate?: boolean;
  /** Called after each look at an iteration's deliverables (the CLI draws progress bars from it). */
  onTick?: (iterationId: string) => void;
}

export interface IterationSummary {
  id: string;
  name: string;
  state: IterationRecord["state"];
  assignments: number;
  passed: number;
  failed: number;
  reworks: number;
  stall_restarts: number;
  /** Tokens the iteration's agents used, as far as reported (input + output of the last attempt each). */
  tokens_used: number;
}

export interface OrchestrateSummary {
  run_id: string;
  resumed: boolean;
  status: "completed" | "failed" | "interrupted";
  iterations: IterationSummary[];
  learnings: string[];
  message: string;
}

/** Prefix of the agent names orchestrate claims under: `orchestrate:<pid>:<n>`. */
const AGENT_PREFIX = "orchestrate:";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The seed's orchestrate_full: for each ready iteration create it, generate prompts, launch agents
 * (bounded parallelism), monitor them (a stalled agent is stopped and its assignment re-queued,
 * bounded), validate, rework failures (bounded), synthesize feedback, move on. Resumable: it
 * continues the latest active run of the workflow with the same inputs.
 */
export async function orchestrate(
  engine: EngineContext,
  options: OrchestrateOptions,
): Promise<OrchestrateSummary> {
  const { store } = engine;
  const workflow = engine.catalog.workflow(options.workflow);
  const given = options.inputs ?? {};
  const previous = store
    .listRuns()
    .filter((r) => r.workflow === workflow.name && r.status === "active" && sameInputs(r.inputs, given))
    .at(-1);
  const run: RunRecord = previous ?? startRun(engine, workflow, given);
  const resumed = previous !== undefined;
  options.log(resumed ? `resuming run ${run.id}` : `started run ${run.id} of ${workflow.name}`);
  releaseOrphans(engine, run.id, options.log);
  const stats = new Map<string, { reworks: number; stall_restarts: number }>();
  const learnings = new Set<string>();
  const summary = (status: OrchestrateSummary["status"], message: string): OrchestrateSummary => ({
    run_id: run.id,
    resumed,
    status,
    iterations: store.listIterations(run.id).map((it) => {
      const assignments = store.listAssignments(it.id);
      const s = stats.get(it.id) ?? { reworks: 0, stall_restarts: 0 };
      return {
        id: it.id,
        name: it.name,
        state: it.state,
        assignments: assignments.length,
        passed: assignments.filter((a) => a.state === "passed").length,
        failed: assignments.filter((a) => a.state === "failed").length,
        ...s,
        tokens_used: assignments.reduce((sum, a) => sum + (a.tokens_used ?? 0), 0),
      };
    }),
    learnings: [...learnings],
    message,
  });

  for (;;) {
    if (options.signal?.aborted)
      return summary("interrupted", "interrupted; run the same command again to resume");
    const iterations = store.listIterations(run.id);
    let current = iterations.find((it) => it.state !== "passed");
    if (!current) {
      const created = new Set(iterations.map((it) => it.name));
      if (workflow.spec.iterations.every((it) => created.has(it.name))) {
        store.setRunStatus(run.id, "completed");
        return summary("completed", `run ${run.id} completed: every iteration passed validation`);
      }
      const made = await createIteration(engine, { run_id: run.id, isolate: options.isolate });
      options.log(`iteration ${made.iteration} (${made.iteration_id}) → ${made.path}`);
      current = store.getIteration(made.iteration_id) as IterationRecord;
    }
    if (current.state === "materialized") {
      const generated = await generatePrompts(engine, { iteration_id: current.id });
      options.log(
        `  ${generated.totals.assignments} assignment(s), ~${generated.totals.estimated_tokens} tokens, ${generated.totals.high_risk} high risk`,
      );
    }
    const s = stats.get(current.id) ?? { reworks: 0, stall_restarts: 0 };
    stats.set(current.id, s);
    const open = () =>
      store.listAssignments(current.id).filter((a) => a.state !== "passed" && a.state !== "failed");
    if (open().length > 0) {
      if (options.launcher) await runAgents(engine, current, options, s);
      else await waitForPerson(engine, current, options);
      if (options.signal?.aborted) continue;
    }
    const report = await validateIteration(engine, { iteration_id: current.id });
    for (const id of report.new_learnings) learnings.add(id);
    options.log(
      `  validation ${report.passed ? "PASSED" : "FAILED"}: ${report.counts.passed} passed, ${report.counts.failed} failed, ${report.counts.needs_review} need review`,
    );
    for (const f of report.failures.slice(0, 10)) options.log(`    ✗ ${f.reason}`);
    if (report.awaiting_approval) {
      return summary(
        "interrupted",
        `iteration ${current.name} passed its checks and awaits a person's review: baton review ${current.id} --approve (or --reject --notes "..."), then run this command again`,
      );
    }
    if (report.passed) continue;
    s.reworks += report.rework.length;
    if (report.rework.length === 0 && open().length === 0) {
      return summary(
        "failed",
        `iteration ${current.name} failed and has no attempts left${report.failed_assignments.length ? ` (${report.failed_assignments.join(", ")})` : ""}; see ${report.report_path}`,
      );
    }
  }
}

function sameInputs(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k] || b[k] === undefined);
}

/** Claims held by an orchestrator that is gone (killed) go back to pending. */
function releaseOrphans(engine: EngineContext, runId: string, log: (line: string) => void): void {
  for (const it of engine.store.listIterations(runId)) {
    for (const a of engine.store.listAssignments(it.id)) {
      const pid =
        a.state === "claimed" && a.agent?.startsWith(AGENT_PREFIX) ? Number(a.agent.split(":")[1]) : 0;
      if (pid && pid !== process.pid && !isAlive(pid)) {
        engine.store.release(a.id);
        engine.store.addEvent(
          "released",
          { run_id: runId, iteration_id: it.id, assignment_id: a.id },
          { agent: a.agent },
        );
        log(`  released ${a.id} (its orchestrator is gone)`);
      }
    }
  }
}

/** Launches agents for the iteration's pending assignments until none is pending or running. */
async function runAgents(
  engine: EngineContext,
  iteration: IterationRecord,
  options: OrchestrateOptions,
  stats: { reworks: number; stall_restarts: number },
): Promise<void> {
  const { store } = engine;
  const launcher = options.launcher as Launcher;
  const monitor = new LiveMonitor(engine, options.stallMinutes);
  const bundle = resolveIteration(engine, iteration.id);
  const maxRestarts = bundle.workflow.spec.max_attempts;
  const running = new Map<string, AgentHandle>();
  const finished: {
    id: string;
    attempt: number;
    code: number | null;
    usage?: UsageResult;
    handle: AgentHandle;
  }[] = [];
  const restarts = new Map<string, number>();
  let wake: () => void = () => {};
  let n = 0;
  const stopAll = () => {
    for (const [id, handle] of running) {
      handle.stop();
      store.release(id);
    }
  };
  options.signal?.addEventListener("abort", stopAll, { once: true });
  try {
    for (;;) {
      while (running.size < options.parallel && !options.signal?.aborted) {
        const { claimed } = store.claimNext({
          agent: `${AGENT_PREFIX}${process.pid}:${++n}`,
          iteration_id: iteration.id,
          leaseMs: LEASE_MS,
        });
        if (!claimed) break;
        const rework = reworkPromptPath(iteration.path, claimed);
        const job: LaunchJob = {
          assignment_id: claimed.id,
          local_id: claimed.local_id,
          role: claimed.role,
          iteration_id: iteration.id,
          prompt_file: path.join(engine.workspace.root, rework ?? claimed.prompt_path),
          deliverables: claimed.deliverables,
          workspace: engine.workspace.root,
          workdir: path.join(engine.workspace.root, workdirOf(iteration, claimed) ?? ""),
          attempt: claimed.attempts + 1,
          model: modelOf(bundle, claimed),
        };
        options.log(
          `  ▶ ${claimed.local_id} (${claimed.role})${job.attempt > 1 ? `, attempt ${job.attempt}` : ""}`,
        );
        const handle = launcher(job);
        running.set(claimed.id, handle);
        void handle.done.then(({ code, usage }) => {
          finished.push({ id: claimed.id, attempt: job.attempt, code, usage, handle });
          wake();
        });
      }
      if (running.size === 0 || options.signal?.aborted) return;
      await Promise.race([
        options.wait(options.intervalMs),
        new Promise<void>((resolve) => {
          wake = resolve;
          if (finished.length > 0) resolve();
        }),
      ]);
      for (const { id, attempt, code, usage, handle } of finished.splice(0)) {
        // A stopped (stalled) agent exits late, maybe after its assignment was launched again:
        // only the exit of the agent that currently holds the assignment counts.
        if (running.get(id) !== handle) continue;
        running.delete(id);
        const a = store.getAssignment(id);
        if (!a) continue;
        const measured = recordUsage(engine, iteration, a, attempt, usage, options.log);
        if (a.state !== "claimed") {
          // The agent submitted itself (submit_assignment): what its CLI measured still replaces
          // the count it reported, which misses the reading it did.
          if (measured !== undefined) store.setTokensUsed(id, measured);
          continue;
        }
        store.markSubmitted(id, measured);
        const report = await validateIteration(engine, { iteration_id: iteration.id, assignment_id: id });
        const outcome = report.assignments[0];
        options.log(
          `  ${report.passed ? "✓" : "✗"} ${a.local_id} exited ${code ?? "by signal"}: ${report.passed ? "passed" : `${report.failures.length} failure(s), ${outcome?.state === "failed" ? "out of attempts" : "rework queued"}`}`,
        );
        if (!report.passed && outcome?.state !== "failed") stats.reworks++;
      }
      const events = monitor.tick();
      options.onTick?.(iteration.id);
      for (const event of events) {
        if (event.kind !== "stalled") continue;
        const handle = running.get(event.assignment_id);
        if (!handle) continue;
        running.delete(event.assignment_id);
        handle.stop();
        const count = (restarts.get(event.assignment_id) ?? 0) + 1;
        restarts.set(event.assignment_id, count);
        stats.stall_restarts++;
        const refs = {
          run_id: iteration.run_id,
          iteration_id: iteration.id,
          assignment_id: event.assignment_id,
        };
        if (count > maxRestarts) {
          store.setAssignmentState(event.assignment_id, "failed");
          store.addEvent("stall_failed", refs, { restarts: count - 1 });
          options.log(`  ✗ ${event.assignment_id} stalled again after ${count - 1} restart(s): failed`);
        } else {
          store.release(event.assignment_id);
          store.addEvent("stall_requeued", refs, { restart: count });
          options.log(`  ⏸ ${event.assignment_id} stalled (no deliverable change); stopped and re-queued`);
        }
      }
      for (const id of running.keys()) store.renewLease(id, LEASE_MS);
    }
  } finally {
    options.signal?.removeEventListener("abort", stopAll);
  }
}

/** The model for a claimed assignment: its workflow agent's (matched by role and deliverable) or its role's. */
function modelOf(bundle: IterationBundle, a: AssignmentRecord): string | undefined {
  const agents = bundle.spec.agents.filter((agent) => agent.role === a.role);
  const agent =
    agents.find((spec) =>
      spec.deliverables.some((d) => a.deliverables.some((f) => patternMatcher(d, {})(f))),
    ) ?? agents[0];
  const role = bundle.workflow.roles.get(a.role);
  return role && agent ? resolveModel(role, agent) : role?.model;
}

/**
 * Books one attempt's usage without the agent's help: an event per attempt (input, output, cache,
 * cost, or why there was none) and the total as the assignment's tokens_used.
 */
function recordUsage(
  engine: EngineContext,
  iteration: IterationRecord,
  a: AssignmentRecord,
  attempt: number,
  usage: UsageResult | undefined,
  log: (line: string) => void,
): number | undefined {
  if (!usage) return undefined;
  const refs = { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: a.id };
  if (!usage.usage) {
    engine.store.addEvent("usage", refs, { attempt, reason: usage.reason });
    log(`    no usage for ${a.local_id}: ${usage.reason}`);
    return undefined;
  }
  engine.store.addEvent("usage", refs, { attempt, ...usage.usage });
  return usage.usage.input_tokens + usage.usage.output_tokens;
}

/** Without a launcher: print what to run by hand, then wait until the deliverables are written. */
async function waitForPerson(
  engine: EngineContext,
  iteration: IterationRecord,
  options: OrchestrateOptions,
): Promise<void> {
  const { store } = engine;
  const open = store
    .listAssignments(iteration.id)
    .filter((a) => a.state === "pending" || a.state === "claimed");
  options.log("  no --launcher: give each prompt to an agent of its role (or do it yourself):");
  for (const a of open) {
    const prompt = reworkPromptPath(iteration.path, a) ?? a.prompt_path;
    const workdir = workdirOf(iteration, a);
    options.log(`    ${a.role}: ${prompt}${workdir ? ` (work in ${workdir})` : ""}`);
  }
  options.log("  waiting for the deliverables (Ctrl-C to stop; run again to resume)…");
  const monitor = new LiveMonitor(engine, options.stallMinutes);
  const reworking = open.some((a) => a.attempts > 0);
  let changedSinceRework = !reworking;
  for (;;) {
    const events = monitor.tick();
    if (events.some((e) => e.kind === "changed")) changedSinceRework = true;
    options.onTick?.(iteration.id);
    const status = resolveIteration(engine, iteration.id);
    // Agents finish at different times: completion is what the monitor holds now, not this
    // look's events (each `completed` event is reported only in the look it happens).
    const ready = store
      .listAssignments(status.iteration.id)
      .filter((a) => a.state === "pending" || a.state === "claimed")
      .every((a) => a.deliverables.length > 0 && monitor.isComplete(a.id));
    if ((ready && changedSinceRework) || options.signal?.aborted) return;
    await options.wait(options.intervalMs);
  }
}
