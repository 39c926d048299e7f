import type { AssignmentRecord, RunRecord } from "../store/records.js";
import type { AgentUsage } from "./agents/usage.js";
import type { EngineContext } from "./engine.js";
import { getRun } from "./resolve.js";

export interface AssignmentEstimate {
  id: string;
  iteration: string;
  role: string;
  state: string;
  risk: string;
  /** Validations this assignment failed before its current attempt (reworks). */
  reworks: number;
  estimated_tokens: number;
  /** The role's token budget (as claims hand it out), when the workflow still defines the role. */
  token_budget: number | null;
  /** Reported or measured usage of the latest attempt; null when none was recorded. */
  actual_tokens: number | null;
  /** (actual − estimate) / estimate, in percent; null without actual usage. */
  error_pct: number | null;
  /** What orchestrate measured for the latest attempt (input, output, cache, cost) when it launched the agent. */
  usage?: AgentUsage;
  /** Why orchestrate measured no usage for the latest attempt. */
  no_usage?: string;
}

export interface EstimatesReport {
  run_id: string;
  workflow: string;
  assignments: AssignmentEstimate[];
  /** Mean absolute percentage error per role, over assignments with actual usage; cost where CLIs reported one. */
  roles: { role: string; measured: number; mape_pct: number | null; cost_usd?: number }[];
  /**
   * How each risk label fared: assignments, how many failed validation at least once (failed or
   * reworked), how many used more than estimated, and how many more than the role's token budget
   * (the overrun risk scoring counts).
   */
  risk: {
    level: string;
    assignments: number;
    failed: number;
    over_estimate: number;
    over_budget: number;
  }[];
}

/** Estimate versus actual usage for one run (default: the latest run). */
export function estimatesReport(ctx: EngineContext, runId?: string): EstimatesReport {
  const run = runId ? getRun(ctx, runId) : ctx.store.listRuns().at(-1);
  if (!run) return { run_id: "", workflow: "", assignments: [], roles: [], risk: [] };
  const estimate = estimator(ctx, run);
  const assignments: AssignmentEstimate[] = ctx.store
    .listIterations(run.id)
    .flatMap((it) => ctx.store.listAssignments(it.id).map(estimate));
  const roles = [...new Set(assignments.map((a) => a.role))].map((role) => {
    const of = assignments.filter((a) => a.role === role);
    const errors = of.flatMap((a) => (a.error_pct !== null ? [a.error_pct] : []));
    const mape = errors.length
      ? Math.round((errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length) * 10) / 10
      : null;
    const costs = of.flatMap((a) => (a.usage?.cost_usd !== undefined ? [a.usage.cost_usd] : []));
    return {
      role,
      measured: errors.length,
      mape_pct: mape,
      ...(costs.length ? { cost_usd: Math.round(costs.reduce((s, c) => s + c, 0) * 1e6) / 1e6 } : {}),
    };
  });
  const risk = ["low", "medium", "high"].map((level) => {
    const of = assignments.filter((a) => a.risk === level);
    return {
      level,
      assignments: of.length,
      failed: of.filter((a) => a.state === "failed" || a.reworks > 0).length,
      over_estimate: of.filter((a) => (a.error_pct ?? 0) > 0).length,
      over_budget: of.filter(
        (a) => a.actual_tokens !== null && a.token_budget !== null && a.actual_tokens > a.token_budget,
      ).length,
    };
  });
  return { run_id: run.id, workflow: run.workflow, assignments, roles, risk };
}

/**
 * One page of a run's assignment estimates: `limit` of them from `offset`, in iteration order then
 * by local id (the order of `estimatesReport`), reading only those rows; and how many there are.
 */
export function estimatesPage(
  ctx: EngineContext,
  runId: string,
  offset: number,
  limit: number,
): { assignments: AssignmentEstimate[]; total: number } {
  const run = getRun(ctx, runId);
  return {
    assignments: ctx.store.listRunAssignments(run.id, offset, limit).map(estimator(ctx, run)),
    total: ctx.store.countRunAssignments(run.id),
  };
}

/** Maps an assignment of `run` to its estimate versus usage. */
function estimator(ctx: EngineContext, run: RunRecord): (a: AssignmentRecord) => AssignmentEstimate {
  const budgets = roleBudgets(ctx, run.workflow);
  const iterations = new Map(ctx.store.listIterations(run.id).map((it) => [it.id, it.name]));
  // Orchestrate books one `usage` event per attempt; the latest one describes the latest attempt.
  const measured = new Map<string, Record<string, unknown>>();
  for (const e of ctx.store.listEvents({ run_id: run.id }))
    if (e.kind === "usage" && e.assignment_id) measured.set(e.assignment_id, e.data);
  return (a) => {
    const estimated = a.estimate.prompt_tokens + a.estimate.input_tokens + a.estimate.output_tokens;
    const { attempt: _attempt, reason, ...usage } = measured.get(a.id) ?? {};
    return {
      id: a.id,
      iteration: iterations.get(a.iteration_id) ?? "",
      role: a.role,
      state: a.state,
      risk: a.risk.level,
      reworks: a.attempts,
      estimated_tokens: estimated,
      token_budget: budgets.get(a.role) ?? null,
      actual_tokens: a.tokens_used,
      error_pct:
        a.tokens_used === null || estimated === 0
          ? null
          : Math.round(((a.tokens_used - estimated) / estimated) * 1000) / 10,
      ...(typeof reason === "string"
        ? { no_usage: reason }
        : "input_tokens" in usage
          ? { usage: usage as unknown as AgentUsage }
          : {}),
    };
  };
}

/** Each role's token budget in the run's workflow; none when the workflow can no longer be loaded. */
function roleBudgets(ctx: EngineContext, workflow: string): Map<string, number> {
  try {
    const loaded = ctx.catalog.workflow(workflow);
    return new Map([...loaded.roles].map(([name, role]) => [name, role.constraints.token_budget]));
  } catch {
    // A report of an old run stays readable after its workflow file was removed or broken.
    return new Map();
  }
}
