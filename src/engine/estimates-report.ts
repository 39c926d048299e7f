import type { EngineContext } from "./engine.js";
import { getRun } from "./resolve.js";

export interface AssignmentEstimate {
  id: string;
  iteration: string;
  role: string;
  state: string;
  risk: string;
  estimated_tokens: number;
  /** Reported or measured usage of the latest attempt; null when none was recorded. */
  actual_tokens: number | null;
  /** (actual − estimate) / estimate, in percent; null without actual usage. */
  error_pct: number | null;
}

export interface EstimatesReport {
  run_id: string;
  workflow: string;
  assignments: AssignmentEstimate[];
  /** Mean absolute percentage error per role, over assignments with actual usage. */
  roles: { role: string; measured: number; mape_pct: number | null }[];
  /** How each risk label fared: assignments, how many failed validation, how many used more than estimated. */
  risk: { level: string; assignments: number; failed: number; over_estimate: number }[];
}

/** Estimate versus actual usage for one run (default: the latest run). */
export function estimatesReport(ctx: EngineContext, runId?: string): EstimatesReport {
  const run = runId ? getRun(ctx, runId) : ctx.store.listRuns().at(-1);
  if (!run) return { run_id: "", workflow: "", assignments: [], roles: [], risk: [] };
  const assignments: AssignmentEstimate[] = ctx.store.listIterations(run.id).flatMap((it) =>
    ctx.store.listAssignments(it.id).map((a) => {
      const estimated = a.estimate.prompt_tokens + a.estimate.input_tokens + a.estimate.output_tokens;
      return {
        id: a.id,
        iteration: it.name,
        role: a.role,
        state: a.state,
        risk: a.risk.level,
        estimated_tokens: estimated,
        actual_tokens: a.tokens_used,
        error_pct:
          a.tokens_used === null || estimated === 0
            ? null
            : Math.round(((a.tokens_used - estimated) / estimated) * 1000) / 10,
      };
    }),
  );
  const roles = [...new Set(assignments.map((a) => a.role))].map((role) => {
    const errors = assignments.flatMap((a) => (a.role === role && a.error_pct !== null ? [a.error_pct] : []));
    const mape = errors.length
      ? Math.round((errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length) * 10) / 10
      : null;
    return { role, measured: errors.length, mape_pct: mape };
  });
  const risk = ["low", "medium", "high"].map((level) => {
    const of = assignments.filter((a) => a.risk === level);
    return {
      level,
      assignments: of.length,
      failed: of.filter((a) => a.state === "failed").length,
      over_estimate: of.filter((a) => (a.error_pct ?? 0) > 0).length,
    };
  });
  return { run_id: run.id, workflow: run.workflow, assignments, roles, risk };
}
