import type { IterationSpec } from "../config/schema.js";
import type {
  AssignmentProgressRow,
  AssignmentRecord,
  IterationRecord,
  RunRecord,
} from "../store/records.js";
import { isIsolated } from "./code/isolation.js";
import type { EngineContext } from "./engine.js";
import { assignmentId } from "./ids.js";
import {
  type AssignmentProgress,
  expectedSizes,
  observeAssignments,
  observeIteration,
  roundProgress,
} from "./monitor.js";
import { presenceIndex } from "./presence.js";
import { getRun, type IterationBundle, resolveIteration } from "./resolve.js";

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
  /** With a row budget, when rows were left out: how many assignments are in each state. */
  assignment_counts?: Partial<Record<AssignmentRecord["state"], number>>;
  /** With a row budget: how many assignments are not listed. */
  assignments_omitted?: number;
}

/** What next-step hints need of an iteration whose rows were cut, from all of its assignments. */
export interface IterationAttention {
  pending: number;
  /** Ids of the stalled assignments, in local id order. */
  stalled: string[];
  /** Every deliverable of every assignment is done. */
  all_done: boolean;
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
  /** With a row budget: per iteration id whose rows were cut, what hints need of all its rows. */
  attention?: Map<string, IterationAttention>;
}

/** With `recent`, a workspace-wide report shows at most this many active runs. */
const ACTIVE_SHOWN = 10;

/** What needs attention first: stalled and active work, then failures, pending, and passed last. */
const ORDER: Record<AssignmentStatus["state"], number> = {
  claimed: 0,
  submitted: 1,
  failed: 2,
  pending: 3,
  passed: 4,
};

const byAttention = (a: AssignmentStatus, b: AssignmentStatus) =>
  Number(b.stalled) - Number(a.stalled) || ORDER[a.state] - ORDER[b.state];

/**
 * Runs → iterations → assignments with states and progress from deliverable sizes (the MCP layer
 * and the CLI derive next actions from it). Reads the files' sizes afresh on every call.
 *
 * With `rows`, a budget of assignment rows for the whole report (get_status): each iteration lists
 * its share, those that need attention first, with counts per state. Such an iteration reads in
 * full only the assignments that can differ from "pending, nothing written" (#13.1): the rest are
 * counted in SQL and their deliverables answered by one presence index.
 */
export function getStatus(
  engine: EngineContext,
  args: { run_id?: string; iteration_id?: string; stall_minutes?: number; recent?: number; rows?: number },
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
  const listed = runs.map((run) => {
    const records = store.listIterations(run.id);
    return { run, records, shown: records.filter((it) => !onlyIteration || it.id === onlyIteration) };
  });
  const shownCount = listed.reduce((n, l) => n + l.shown.length, 0);
  const perIteration =
    args.rows === undefined ? undefined : Math.max(1, Math.floor(args.rows / Math.max(1, shownCount)));
  const attention = new Map<string, IterationAttention>();
  const toStatus = statusOf(now);
  const reports = listed.map(({ run, records, shown }): RunStatusReport => {
    const workflow = engine.catalog.workflowOf(run);
    const iterations = shown.map((it): IterationStatus => {
      const spec = workflow.spec.iterations.find((s) => s.name === it.name) as IterationSpec;
      const bundle: IterationBundle = { run, workflow, iteration: it, spec };
      const head = { id: it.id, name: it.name, state: it.state, path: it.path };
      if (perIteration !== undefined) {
        const cut = cutIteration(engine, bundle, perIteration, args.stall_minutes, toStatus);
        if (cut) {
          attention.set(it.id, cut.attention);
          return { ...head, ...cut.status };
        }
      }
      const observed = observeIteration(engine, bundle, args.stall_minutes);
      const assignments = observed.assignments.map((a) => toStatus(a, observed.progress.get(a.id)));
      const status = { ...head, progress: meanProgress(assignments, assignments.length), assignments };
      if (perIteration === undefined || assignments.length <= perIteration) return status;
      attention.set(it.id, attentionOf(assignments));
      const counts: Partial<Record<AssignmentStatus["state"], number>> = {};
      for (const a of assignments) counts[a.state] = (counts[a.state] ?? 0) + 1;
      const first = [...assignments].sort(byAttention).slice(0, perIteration);
      return {
        ...status,
        assignments: first,
        assignment_counts: counts,
        assignments_omitted: assignments.length - first.length,
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
  const report: StatusReport =
    omitted === undefined ? { runs: reports } : { runs: reports, runs_omitted: omitted };
  return perIteration === undefined ? report : { ...report, attention };
}

function statusOf(now: number) {
  return (a: AssignmentProgressRow, seen: AssignmentProgress | undefined): AssignmentStatus => ({
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
  });
}

/** The mean over `total` assignments of which `listed` are the ones with any progress. */
function meanProgress(listed: readonly AssignmentStatus[], total: number): number {
  return total === 0 ? 0 : roundProgress(listed.reduce((s, a) => s + a.progress, 0) / total);
}

function attentionOf(all: readonly AssignmentStatus[]): IterationAttention {
  return {
    pending: all.filter((a) => a.state === "pending").length,
    stalled: all.filter((a) => a.stalled).map((a) => a.id),
    all_done: all.every((a) => a.deliverables_done === a.deliverables_total),
  };
}

/**
 * An iteration's share of rows, read sparsely: every assignment not pending, every pending one
 * with a deliverable that may exist or was seen before, and the first `limit` pending ones. Any
 * other is pending with nothing written and nothing to record: progress 0, not stalled, none
 * done (no missing file counts as done when every expected size is above 0). Its sum of progress,
 * its stalled ones and the first rows in attention order are thus those of the whole iteration.
 * Undefined where that does not hold (isolated work looks in worktrees), nothing is cut, or most
 * assignments would be read anyway.
 */
function cutIteration(
  engine: EngineContext,
  bundle: IterationBundle,
  limit: number,
  stallMinutes: number | undefined,
  toStatus: ReturnType<typeof statusOf>,
):
  | { status: Omit<IterationStatus, "id" | "name" | "state" | "path">; attention: IterationAttention }
  | undefined {
  const { store, workspace } = engine;
  const { iteration } = bundle;
  const counts = store.stateCounts(iteration.id);
  const total = counts.reduce((n, c) => n + c.count, 0);
  if (total <= limit || isIsolated(iteration)) return undefined;
  const expectedOf = expectedSizes(engine, bundle);
  if (!expectedOf.positive) return undefined;
  const prefix = assignmentId(iteration.id, "");
  const paths = store.deliverablePaths(prefix);
  const present = presenceIndex(workspace.root, paths);
  const maybe = paths.filter(present);
  // Late in a run most deliverables exist: then reading every row costs less than picking them.
  if (maybe.length * 2 > paths.length) return undefined;
  const ids = new Set(store.observedOrAmong(prefix, maybe));
  if (ids.size * 2 > total) return undefined;
  for (const local of store.assignmentIdsIn(iteration.id, ["pending"], limit))
    ids.add(assignmentId(iteration.id, local));
  const rows = store.listAssignmentProgress(iteration.id, [...ids]);
  const progress = observeAssignments(engine, bundle, rows, present, expectedOf, stallMinutes);
  const listed = rows.map((a) => toStatus(a, progress.get(a.id)));
  const first = [...listed].sort(byAttention).slice(0, limit);
  return {
    status: {
      progress: meanProgress(listed, total),
      assignments: first,
      assignment_counts: Object.fromEntries(counts.map((c) => [c.state, c.count])),
      assignments_omitted: total - first.length,
    },
    attention: {
      pending: counts.find((c) => c.state === "pending")?.count ?? 0,
      stalled: listed.filter((a) => a.stalled).map((a) => a.id),
      all_done:
        listed.every((a) => a.deliverables_done === a.deliverables_total) &&
        // and no assignment left unread has a deliverable (each path is one assignment's)
        rows.reduce((n, a) => n + a.deliverables.length, 0) === paths.length,
    },
  };
}
