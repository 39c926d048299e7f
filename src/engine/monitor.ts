import { patternMatcher } from "../config/placeholders.js";
import type { AssignmentProgressRow } from "../store/records.js";
import { worktreeWorkspace } from "./code/isolation.js";
import { splitCriteria } from "./criteria.js";
import type { EngineContext } from "./engine.js";
import { presenceIndex } from "./presence.js";
import { bundleOf, type IterationBundle } from "./resolve.js";
import { DEFAULT_MIN_BYTES } from "./validate/size.js";

export interface DeliverableProgress {
  path: string;
  size: number;
  /** Bytes a finished deliverable is expected to have: the larger of its minimum and the typical size. */
  expected: number;
  /** The size or mtime changed since the previous observation. */
  changed: boolean;
}

export interface AssignmentProgress {
  /** 0–1: bytes written against the expected size of each deliverable, averaged. */
  progress: number;
  done: number;
  total: number;
  stalled: boolean;
  /** When a deliverable last changed (or the claim, if nothing changed since). */
  last_change_at: string | null;
  deliverables: DeliverableProgress[];
}

/**
 * Looks at every deliverable of an iteration: records size and mtime in the store (so the time of
 * the last change comes from the store's clock), and derives progress and stalls from them.
 */
export function observeIteration(
  engine: EngineContext,
  bundle: IterationBundle,
  stallMinutes?: number,
): { assignments: AssignmentProgressRow[]; progress: Map<string, AssignmentProgress> } {
  const assignments = engine.store.listAssignmentProgress(bundle.iteration.id);
  const present = presenceIndex(
    engine.workspace.root,
    assignments.flatMap((a) => a.deliverables),
  );
  const expectedOf = expectedSizes(engine, bundle);
  return {
    assignments,
    progress: observeAssignments(engine, bundle, assignments, present, expectedOf, stallMinutes),
  };
}

/**
 * observeIteration for some of an iteration's assignments: `present` answers for their deliverables
 * (built over these or more), `expectedOf` is expectedSizes of the iteration.
 */
export function observeAssignments(
  engine: EngineContext,
  { workflow, iteration }: IterationBundle,
  assignments: readonly AssignmentProgressRow[],
  present: (file: string) => boolean,
  expectedOf: (file: string) => number,
  stallMinutes?: number,
): Map<string, AssignmentProgress> {
  const { store, workspace } = engine;
  const now = engine.clock.now().getTime();
  const stallMs = (stallMinutes ?? workflow.spec.stall_minutes) * 60_000;
  const result = new Map<string, AssignmentProgress>();
  const changes: [string, string, number, number | null][] = [];
  for (const a of assignments) {
    let lastChange = a.claimed_at ? Date.parse(a.claimed_at) : 0;
    const exists: boolean[] = [];
    // An isolated assignment writes in its own worktree until it is merged.
    const own = worktreeWorkspace(engine, iteration, a);
    const look = own ?? workspace;
    const seen = own ? presenceIndex(own.root, a.deliverables) : present;
    const deliverables = a.deliverables.map((file, i): DeliverableProgress => {
      // A stat per file is the whole cost of monitoring; statFile adds a realpath only for links.
      const stat = seen(file) ? look.statFile(file) : undefined;
      const size = stat?.size ?? 0;
      exists[i] = stat !== undefined;
      const mtime = stat ? Math.round(stat.mtimeMs) : null;
      const prior = a.observed[i];
      const changed = !prior || prior.size !== size || prior.mtime_ms !== mtime;
      if (changed && (stat || prior?.mtime_ms != null)) {
        changes.push([a.id, file, size, mtime]);
        lastChange = now;
      } else if (prior?.last_change_at) {
        lastChange = Math.max(lastChange, Date.parse(prior.last_change_at));
      }
      return { path: file, size, expected: expectedOf(file), changed: changed && stat !== undefined };
    });
    // The expected size is only an estimate: once the agent handed the work in (submitted) or it
    // passed, every deliverable that exists is finished, however small.
    const handedIn = a.state === "submitted" || a.state === "passed";
    const finished = deliverables.map((d, i) => (handedIn ? exists[i] === true : d.size >= d.expected));
    const done = finished.filter(Boolean).length;
    const progress =
      a.state === "passed"
        ? 1
        : deliverables.length === 0
          ? 0
          : deliverables.reduce((s, d, i) => s + (finished[i] ? 1 : Math.min(1, d.size / d.expected)), 0) /
            deliverables.length;
    result.set(a.id, {
      progress: roundProgress(progress),
      done,
      total: deliverables.length,
      stalled: a.state === "claimed" && lastChange > 0 && now - lastChange > stallMs,
      last_change_at: lastChange > 0 ? new Date(lastChange).toISOString() : null,
      deliverables,
    });
  }
  // Written only when something changed: most looks change nothing and need no write lock.
  if (changes.length > 0) {
    store.transaction(() => {
      for (const [id, file, size, mtime] of changes) store.recordDeliverable(id, file, size, mtime);
    });
  }
  return result;
}

/** Progress to three decimals: enough for a bar, short in JSON. */
export function roundProgress(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Expected size per deliverable: its minimum (an explicit `min_bytes` check, else the implicit
 * default), raised to the median size of passed deliverables of the same pattern in earlier runs.
 */
export function expectedSizes(
  engine: EngineContext,
  { run, workflow, iteration, spec }: IterationBundle,
): ExpectedSizes {
  const minimums = splitCriteria(spec.completion_criteria)
    .checks.filter((c) => c.check === "min_bytes" && c.deliverable !== undefined)
    .map((c) => ({ matches: patternMatcher(c.deliverable as string, run.inputs), bytes: c.bytes ?? 0 }));
  const history = engine.store
    .passedDeliverableSizes(workflow.name)
    .filter((h) => h.iteration === iteration.name);
  const typical = spec.agents
    .flatMap((agent) => agent.deliverables)
    .map((pattern) => {
      const anyRun = patternMatcher(pattern, {});
      const sizes = history.filter((h) => anyRun(h.path)).map((h) => h.size);
      return { matches: patternMatcher(pattern, run.inputs), size: median(sizes) };
    });
  const cache = new Map<string, number>();
  const of = (file: string) => {
    let expected = cache.get(file);
    if (expected === undefined) {
      const min = minimums.find((m) => m.matches(file))?.bytes ?? DEFAULT_MIN_BYTES;
      expected = Math.max(min, typical.find((t) => t.matches(file))?.size ?? 0);
      cache.set(file, expected);
    }
    return expected;
  };
  return Object.assign(of, { positive: minimums.every((m) => m.bytes > 0) });
}

/** Expected size per deliverable, and whether it is above 0 for every file (DEFAULT_MIN_BYTES is). */
export type ExpectedSizes = ((file: string) => number) & {
  /** No missing file counts as finished: one with no recorded observation has progress 0. */
  positive: boolean;
};

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export type MonitorEvent =
  | { kind: "changed"; run_id: string; iteration_id: string; assignment_id: string; paths: string[] }
  | {
      kind: "stalled";
      run_id: string;
      iteration_id: string;
      assignment_id: string;
      agent: string | null;
      since: string | null;
    }
  | { kind: "completed"; run_id: string; iteration_id: string; assignment_id: string };

/**
 * Watches the deliverables of every active iteration: each `tick` observes them once and reports
 * what changed, which claimed assignments stalled and which finished writing (each once, until
 * it changes again). The server calls it on an interval; tests call it directly.
 */
export class LiveMonitor {
  private readonly stalled = new Set<string>();
  private readonly completed = new Set<string>();

  constructor(
    private readonly engine: EngineContext,
    private readonly stallMinutes?: number,
  ) {}

  /**
   * Whether every deliverable of the assignment was finished at the last look: unlike the one-time
   * `completed` event, this stays true on later looks until a deliverable shrinks or disappears.
   */
  isComplete(assignmentId: string): boolean {
    return this.completed.has(assignmentId);
  }

  tick(): MonitorEvent[] {
    const events: MonitorEvent[] = [];
    const { store } = this.engine;
    for (const run of store.listRuns().filter((r) => r.status === "active")) {
      for (const iteration of store.listIterations(run.id)) {
        if (iteration.state !== "generated" && iteration.state !== "failed") continue;
        const bundle = bundleOf(this.engine, iteration, run);
        const refs = { run_id: run.id, iteration_id: iteration.id };
        const observed = observeIteration(this.engine, bundle, this.stallMinutes);
        const assignments = new Map(observed.assignments.map((a) => [a.id, a]));
        for (const [id, seen] of observed.progress) {
          const changed = seen.deliverables.filter((d) => d.changed).map((d) => d.path);
          if (changed.length > 0)
            events.push({ kind: "changed", ...refs, assignment_id: id, paths: changed });
          if (seen.stalled && !this.stalled.has(id)) {
            this.stalled.add(id);
            events.push({
              kind: "stalled",
              ...refs,
              assignment_id: id,
              agent: assignments.get(id)?.agent ?? null,
              since: seen.last_change_at,
            });
          } else if (!seen.stalled) this.stalled.delete(id);
          const complete = seen.total > 0 && seen.done === seen.total;
          if (complete && !this.completed.has(id)) {
            this.completed.add(id);
            events.push({ kind: "completed", ...refs, assignment_id: id });
          } else if (!complete) this.completed.delete(id);
        }
      }
    }
    return events;
  }
}
