import type { IterationSpec } from "../config/schema.js";
import type { AssignmentRecord, IterationRecord, RunRecord } from "../store/records.js";
import type { Engine } from "./engine.js";
import { observeIteration, roundProgress } from "./monitor.js";

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
  next: string[];
}

/**
 * Runs → iterations → assignments with states and progress from deliverable sizes, plus the next
 * actions for the orchestrator. Reads the files' sizes afresh on every call.
 */
export function getStatus(
  engine: Engine,
  args: { run_id?: string; iteration_id?: string; stall_minutes?: number },
): StatusReport {
  const store = engine.store;
  const now = store.now().getTime();
  let runs: RunRecord[];
  let onlyIteration: string | undefined;
  if (args.iteration_id) {
    const bundle = engine.getIteration(args.iteration_id);
    runs = [bundle.run];
    onlyIteration = bundle.iteration.id;
  } else if (args.run_id) {
    runs = [engine.getRun(args.run_id)];
  } else {
    runs = store.listRuns();
  }
  const reports = runs.map((run): RunStatusReport => {
    const workflow = engine.workflowOf(run);
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
  return { runs: reports, next: suggestNext(engine, reports) };
}

function suggestNext(engine: Engine, runs: readonly RunStatusReport[]): string[] {
  const next: string[] = [];
  for (const run of runs) {
    if (run.status !== "active") continue;
    for (const it of run.iterations) {
      if (it.state === "materialized") next.push(`generate_prompts {"iteration_id": "${it.id}"}`);
      else if (it.state === "generated") {
        const pending = it.assignments.filter((a) => a.state === "pending").length;
        const stalled = it.assignments.filter((a) => a.stalled).map((a) => a.id);
        if (stalled.length > 0) next.push(`check on stalled assignment(s) ${stalled.join(", ")} of ${it.id}`);
        if (it.assignments.every((a) => a.deliverables_done === a.deliverables_total)) {
          next.push(`validate_iteration {"iteration_id": "${it.id}"}`);
        } else if (pending > 0) {
          next.push(
            `dispatch ${pending} pending assignment(s) of ${it.id} to sub-agents (read their prompt resources)`,
          );
        } else {
          next.push(
            `wait for the agents of ${it.id} (${Math.round(it.progress * 100)}% written), then validate_iteration`,
          );
        }
      } else if (it.state === "failed") {
        next.push(
          `rework the failed assignments of ${it.id} (see baton://iterations/${it.id}/validation), then validate_iteration`,
        );
      }
    }
    const waiting = run.not_created;
    if (waiting.length > 0 && run.iterations.every((it) => it.state === "passed")) {
      next.push(`create_iteration {"run_id": "${run.id}"} (next: ${waiting[0]})`);
    } else if (
      waiting.length === 0 &&
      run.iterations.length > 0 &&
      run.iterations.every((it) => it.state === "passed")
    ) {
      next.push(`run ${run.id} is complete`);
    }
  }
  if (runs.length === 0) {
    const names = engine.listWorkflows().map((w) => w.name);
    next.push(
      `start a run: create_iteration {"workflow": "${names[0] ?? "<name>"}"} (workflows: ${names.join(", ")})`,
    );
  }
  return next;
}
