import { statSync } from "node:fs";
import { fillPattern } from "../config/placeholders.js";
import type { IterationSpec } from "../config/schema.js";
import type { AssignmentRecord, IterationRecord, RunRecord } from "../store/records.js";
import { splitCriteria } from "./criteria.js";
import { DEFAULT_MIN_BYTES, type Engine } from "./engine.js";

export interface AssignmentStatus {
  id: string;
  role: string;
  state: AssignmentRecord["state"];
  /** 0–1: bytes written against the expected size of each deliverable, averaged. */
  progress: number;
  stalled: boolean;
  agent: string | null;
  deliverables_done: number;
  deliverables_total: number;
  elapsed_s: number | null;
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
  args: { run_id?: string; iteration_id?: string },
  now: Date = new Date(),
): StatusReport {
  const store = engine.store;
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
    const stallMs = workflow.spec.stall_minutes * 60_000;
    const records = store.listIterations(run.id);
    const iterations = records
      .filter((it) => !onlyIteration || it.id === onlyIteration)
      .map((it): IterationStatus => {
        const spec = workflow.spec.iterations.find((s) => s.name === it.name) as IterationSpec;
        const minBytes = minBytesByFile(spec, run.inputs, store.listAssignments(it.id));
        const assignments = store
          .listAssignments(it.id)
          .map((a) => assignmentStatus(engine, a, minBytes, stallMs, now));
        const progress =
          assignments.length === 0 ? 0 : assignments.reduce((s, a) => s + a.progress, 0) / assignments.length;
        return {
          id: it.id,
          name: it.name,
          state: it.state,
          path: it.path,
          progress: round(progress),
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

function assignmentStatus(
  engine: Engine,
  a: AssignmentRecord,
  minBytes: Map<string, number>,
  stallMs: number,
  now: Date,
): AssignmentStatus {
  let done = 0;
  let progressSum = 0;
  let lastChange = a.claimed_at ? Date.parse(a.claimed_at) : 0;
  for (const file of a.deliverables) {
    const expected = minBytes.get(file) ?? DEFAULT_MIN_BYTES;
    const stat = statSync(engine.workspace.resolve(file, "deliverable"), { throwIfNoEntry: false });
    const size = stat?.size ?? 0;
    if (stat) lastChange = Math.max(lastChange, stat.mtimeMs);
    if (size >= expected) done++;
    progressSum += Math.min(1, size / expected);
  }
  const progress =
    a.state === "passed" ? 1 : a.deliverables.length === 0 ? 0 : progressSum / a.deliverables.length;
  const stalled = a.state === "claimed" && lastChange > 0 && now.getTime() - lastChange > stallMs;
  return {
    id: a.id,
    role: a.role,
    state: a.state,
    progress: round(progress),
    stalled,
    agent: a.agent,
    deliverables_done: done,
    deliverables_total: a.deliverables.length,
    elapsed_s: a.claimed_at ? Math.round((now.getTime() - Date.parse(a.claimed_at)) / 1000) : null,
  };
}

/** Expected minimum size per concrete deliverable: an explicit `min_bytes` check, else the default. */
export function minBytesByFile(
  spec: IterationSpec,
  inputs: Record<string, string>,
  assignments: readonly AssignmentRecord[],
): Map<string, number> {
  const result = new Map<string, number>();
  const minChecks = splitCriteria(spec.completion_criteria).checks.filter(
    (c) => c.check === "min_bytes" && c.deliverable !== undefined,
  );
  if (minChecks.length === 0) return result;
  for (const check of minChecks) {
    const regex = patternRegex(check.deliverable as string, inputs);
    for (const a of assignments) {
      for (const file of a.deliverables)
        if (regex.test(file)) result.set(file, check.bytes ?? DEFAULT_MIN_BYTES);
    }
  }
  return result;
}

function patternRegex(pattern: string, inputs: Record<string, string>): RegExp {
  const filled = fillPattern(pattern, { inputs });
  const source = filled
    .split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/)
    .map((part, i) => (i % 2 === 1 ? "[^/]+?" : part.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
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

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
