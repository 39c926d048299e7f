import type { Workspace } from "../../config/workspace.js";
import type { Store } from "../../store/api.js";
import type { AssignmentRecord, OutputSample } from "../../store/records.js";
import type { EngineContext } from "../engine.js";
import type { IterationBundle } from "../resolve.js";
import { loadTokenizer } from "../tokens.js";
import { countWorkspaceFile } from "./reading.js";

/**
 * Output estimates learned from what agents really wrote (#16.2). When an iteration passes, the
 * o200k tokens of each passed deliverable are recorded with its workflow, iteration, role and the
 * size of the target it was written for. The next estimate for the same iteration and role uses
 * them: per target, the mean of the recorded outputs, or a line fitted to target size where output
 * follows target size; without history, the role's `complexity_per_target × tokens_per_point`.
 */

/** Targets (units) sampled per role when an iteration passes: the cost of recording stays flat. */
export const RECORD_UNITS_LIMIT = 200;
/** Recorded deliverables an estimate reads back per role (the newest). */
export const HISTORY_ROWS_LIMIT = 400;
/** Output follows target size when target sizes vary and correlate with outputs at least this much. */
export const SCALE_MIN_CORRELATION = 0.5;
const SCALE_MIN_SAMPLES = 3;
/** Relative spread (standard deviation / mean) target sizes need before a slope means anything. */
const SCALE_MIN_SPREAD = 0.1;

type CountText = (text: string) => number;

/** What an output estimate was based on, as the manifest says it. */
export type OutputSource =
  | { source: "tokens_per_point"; detail: string }
  | { source: "history"; samples: number; detail: string }
  | { source: "history_scaled"; samples: number; detail: string };

export interface OutputModel {
  /** Output tokens for one target of this size, or for an assignment without targets (`undefined`). */
  predict(targetTokens: number | undefined): number;
  source: OutputSource;
}

/**
 * Counts and records the deliverables of a passed iteration. Assignments with targets list their
 * deliverables target by target (allocation writes them so), which ties each file to its target.
 */
export function recordOutputs(
  store: Store,
  workspace: Workspace,
  countText: CountText,
  iteration: { id: string; name: string; workflow: string },
  assignments: readonly AssignmentRecord[],
): number {
  const byRole = new Map<string, AssignmentRecord[]>();
  for (const a of assignments) {
    const list = byRole.get(a.role);
    if (list) list.push(a);
    else byRole.set(a.role, [a]);
  }
  const samples: OutputSample[] = [];
  for (const [role, roleAssignments] of byRole) {
    for (const unit of sampledUnits(roleAssignments, RECORD_UNITS_LIMIT)) {
      const target = unit.target === null ? undefined : countWorkspaceFile(workspace, unit.target, countText);
      const targetTokens = target === undefined || "missing" in target ? null : target.tokens;
      for (const deliverable of unit.deliverables) {
        const counted = countWorkspaceFile(workspace, deliverable, countText);
        if ("missing" in counted) continue;
        samples.push({
          workflow: iteration.workflow,
          iteration: iteration.name,
          role,
          assignment_id: unit.assignment,
          target: unit.target,
          target_tokens: targetTokens,
          deliverable,
          tokens: counted.tokens,
        });
      }
    }
  }
  store.recordOutputSamples(iteration.id, samples);
  return samples.length;
}

interface Unit {
  role: string;
  assignment: string;
  target: string | null;
  deliverables: string[];
}

/** Deliverables per target when they come in one block per target, else undefined (one unit). */
function blockSize(a: AssignmentRecord): number | undefined {
  if (a.targets.length === 0) return undefined;
  const per = a.deliverables.length / a.targets.length;
  // Not one block per target: the files cannot be told apart, so the assignment is one unit.
  return Number.isInteger(per) && per >= 1 ? per : undefined;
}

function unitCount(a: AssignmentRecord): number {
  return blockSize(a) === undefined ? 1 : a.targets.length;
}

/** The `i`-th unit of an assignment: a target with its block of deliverables, or the whole assignment. */
function unitAt(a: AssignmentRecord, i: number): Unit {
  const base = { role: a.role, assignment: a.id };
  const per = blockSize(a);
  if (per === undefined) return { ...base, target: null, deliverables: a.deliverables };
  return {
    ...base,
    target: a.targets[i] as string,
    deliverables: a.deliverables.slice(i * per, (i + 1) * per),
  };
}

/**
 * At most `limit` of the assignments' units (in order), evenly spread over them; only the chosen
 * units are built, so a large iteration costs no more than a small one.
 */
function sampledUnits(assignments: readonly AssignmentRecord[], limit: number): Unit[] {
  const counts = assignments.map(unitCount);
  const total = counts.reduce((sum, n) => sum + n, 0);
  const picks =
    total <= limit
      ? Array.from({ length: total }, (_, i) => i)
      : Array.from({ length: limit }, (_, i) => Math.floor((i * total) / limit));
  const units: Unit[] = [];
  let a = 0;
  let first = 0; // index of assignment a's first unit
  for (const pick of picks) {
    while (pick >= first + (counts[a] as number)) first += counts[a++] as number;
    units.push(unitAt(assignments[a] as AssignmentRecord, pick - first));
  }
  return units;
}

/**
 * The learned output model of a workflow's iteration and role, from earlier iterations (other runs),
 * or undefined without history. Samples are summed per target (or per assignment without targets).
 */
export function learnedOutput(
  store: Store,
  key: { workflow: string; iteration: string; role: string; excludeIteration: string },
): OutputModel | undefined {
  const rows = store.outputSamples(
    key.workflow,
    key.iteration,
    key.role,
    key.excludeIteration,
    HISTORY_ROWS_LIMIT,
  );
  if (rows.length === 0) return undefined;
  const units = new Map<string, { x: number | null; y: number; targeted: boolean }>();
  for (const r of rows) {
    const id = `${r.assignment_id}\0${r.target ?? ""}`;
    const unit = units.get(id) ?? { x: r.target_tokens, y: 0, targeted: r.target !== null };
    unit.y += r.tokens;
    units.set(id, unit);
  }
  const all = [...units.values()];
  const targeted = all.filter((u) => u.targeted);
  const untargeted = all.filter((u) => !u.targeted);
  const meanOf = (list: { y: number }[]) => Math.round(list.reduce((s, u) => s + u.y, 0) / list.length);
  const fallbackMean = meanOf(all);
  const targetMean = targeted.length > 0 ? meanOf(targeted) : fallbackMean;
  const plainMean = untargeted.length > 0 ? meanOf(untargeted) : fallbackMean;
  const fit = scaleFit(targeted.filter((u): u is { x: number; y: number; targeted: true } => u.x !== null));
  if (fit) {
    return {
      predict: (x) => (x === undefined ? plainMean : fit.predict(x)),
      source: {
        source: "history_scaled",
        samples: fit.samples,
        detail: `fitted to target size over ${fit.samples} earlier target(s): ${Math.round(fit.intercept)} + ${fit.slope.toFixed(3)} × target tokens (r = ${fit.r.toFixed(2)})`,
      },
    };
  }
  return {
    predict: (x) => (x === undefined ? plainMean : targetMean),
    source: {
      source: "history",
      samples: all.length,
      detail: `mean of ${all.length} earlier ${targeted.length > 0 ? "target" : "assignment"} output(s): ${targeted.length > 0 ? targetMean : plainMean} tokens each`,
    },
  };
}

/**
 * A least-squares line of output against target size, when at least SCALE_MIN_SAMPLES targets of
 * visibly different sizes correlate (Pearson r ≥ SCALE_MIN_CORRELATION). Predictions stay within
 * half the smallest and twice the largest output seen: a line is not trusted far outside its data.
 */
function scaleFit(
  points: readonly { x: number; y: number }[],
):
  | { predict: (x: number) => number; slope: number; intercept: number; r: number; samples: number }
  | undefined {
  const n = points.length;
  if (n < SCALE_MIN_SAMPLES) return undefined;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    syy += (p.y - my) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (mx <= 0 || Math.sqrt(sxx / n) / mx < SCALE_MIN_SPREAD || syy === 0) return undefined;
  const r = sxy / Math.sqrt(sxx * syy);
  if (r < SCALE_MIN_CORRELATION) return undefined;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ys = points.map((p) => p.y);
  const low = Math.min(...ys) / 2;
  const high = Math.max(...ys) * 2;
  return {
    predict: (x) => Math.round(Math.min(high, Math.max(low, intercept + slope * x))),
    slope,
    intercept,
    r,
    samples: n,
  };
}

/** The fallback: the role's tokens per complexity point, per target (or per assignment without targets). */
export function pointsOutput(complexity: number, tokensPerPoint: number, targeted: boolean): OutputModel {
  const tokens = Math.round(complexity * tokensPerPoint);
  return {
    predict: () => tokens,
    source: {
      source: "tokens_per_point",
      detail: `no history: complexity ${complexity} × tokens_per_point ${tokensPerPoint} = ${tokens} per ${targeted ? "target" : "assignment"}`,
    },
  };
}

/** Records a passed iteration's deliverables (validation calls this when the whole iteration passes). */
export async function recordPassedOutputs(
  ctx: EngineContext,
  { run, iteration }: IterationBundle,
  assignments: readonly AssignmentRecord[],
): Promise<void> {
  recordOutputs(
    ctx.store,
    ctx.workspace,
    await loadTokenizer(),
    { id: iteration.id, name: iteration.name, workflow: run.workflow },
    assignments,
  );
}
