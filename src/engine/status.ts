import type { IterationSpec } from "../config/schema.js";
import type { AssignmentRecord, IterationRecord, RunRecord } from "../store/records.js";
import type { EngineContext } from "./engine.js";
import { observeIteration, roundProgress } from "./monitor.js";
import { getRun, resolveIteration } from "./resolve.js";

export interface AssignmentStatus {
  id: string;
  role: string;
  state: AssignmentRecord["state"];
  /** 0–1: bytes written against the expected size of each deliverable, averaged. */
  progress: number;
  stalled: boolean;
  agent: string | null;
  attempts: number;
  deliverables_done: number;
  deliverables_total: number;
  elapsed_s: number | null;
  last_change_at: string | null;
}

export interface IterationStatus {
  id: string;
  name: string;
  state: IterationRecord["state"];
  path: string;
  progress: number;
  assignments: AssignmentStatus[];
}

export interface RunStatusReport {
  id: string;
  workflow: string;
  status: RunRecord["status"];
  inputs: Record<string, string>;
  iterations: IterationStatus[];
  /** Iterations of the workflow not created yet. */
  not_created: string[];
}

export interface StatusReport {
  runs: RunStatusReport[];
  /** Runs left out by `recent` (older finished ones, then the oldest active ones). */
  runs_omitted?: number;
}

/** With `recent`, a workspace-wide report shows at most this many active runs. */
const ACTIVE_SHOWN = 10;

/**
 * Runs → iterations → assignments with states and progress from deliverable sizes (the MCP layer
 * and the CLI derive next actions from it). Reads the files' sizes afresh on every call.
 */
export function getStatus(
  engine: EngineContext,
  args: { run_id?: string; iteration_id?: string; stall_minutes?: number; recent?: number },
): StatusReport {
  const store = engine.store;
  const now = engine.clock.now().getTime();
  let runs: RunRecord[];
  let onlyIteration: string | undefined;
  if (args.iteration_id) {
    const bundle = resolveIteration(engine, args.iteration_id);
    runs = [bundle.run];
    onlyIteration = bundle.iteration.id;
  } else if (args.run_id) {
    runs = [getRun(engine, args.run_id)];
  } else {
    runs = store.listRuns();
  }
  let omitted: number | undefined;
  if (!args.run_id && !args.iteration_id && args.recent !== undefined) {
    // Active runs and the last few finished: a workspace's history must not grow every status call.
    const active = runs.filter((r) => r.status === "active").slice(-ACTIVE_SHOWN);
    const finished = runs.filter((r) => r.status !== "active").slice(-args.recent);
    const shown = new Set([...active, ...finished]);
    omitted = runs.length - shown.size;
    runs = runs.filter((r) => shown.has(r));
  }
  const reports = runs.map((run): RunStatusReport => {
    const workflow = engine.catalog.workflowOf(run);
    const records = store.listIterations(run.id);
    const iterations = records
      .filter((it) => !onlyIteration || it.id === onlyIteration)
      .map((it): IterationStatus => {
        const spec = workflow.spec.iterations.find((s) => s.name === it.name) as IterationSpec;
        const observed = observeIteration(engine, { run, workflow, iteration: it, spec }, args.stall_minutes);
        const assignments = observed.assignments.map((a): AssignmentStatus => {
          const seen = observed.progress.get(a.id);
          return {
            id: a.id,
            role: a.role,
            state: a.state,
            progress: seen?.progress ?? 0,
            stalled: seen?.stalled ?? false,
            agent: a.agent,
            attempts: a.attempts,
            deliverables_done: seen?.done ?? 0,
            deliverables_total: a.deliverables.length,
            elapsed_s: a.claimed_at ? Math.round((now - Date.parse(a.claimed_at)) / 1000) : null,
            last_change_at: seen?.last_change_at ?? null,
          };
        });
        const progress =
          assignments.length === 0 ? 0 : assignments.reduce((s, a) => s + a.progress, 0) / assignments.length;
        return {
          id: it.id,
          name: it.name,
          state: it.state,
          path: it.path,
          progress: roundProgress(progress),
          assignments,
        };
      });
    const created = new Set(records.map((r) => r.name));
    return {
      id: run.id,
      workflow: run.workflow,
      status: run.status,
      inputs: run.inputs,
      iterations,
      not_created: workflow.spec.iterations.filter((s) => !created.has(s.name)).map((s) => s.name),
    };
  });
  return omitted === undefined ? { runs: reports } : { runs: reports, runs_omitted: omitted };
}
