import type { EngineContext } from "../engine/engine.js";
import { estimatesReport } from "../engine/estimates-report.js";
import { type Output, table } from "./output.js";

/** `baton report [run]`: estimate versus actual usage per assignment, error per role, risk versus outcome. */
export function reportCommand(
  engine: EngineContext,
  options: { run?: string; json?: boolean },
  out: Output,
): number {
  const report = estimatesReport(engine, options.run);
  if (options.json) {
    out.log(JSON.stringify(report, null, 2));
    return 0;
  }
  if (!report.run_id) {
    out.log("no runs yet");
    return 0;
  }
  const pct = (v: number | null) => (v === null ? "—" : `${v > 0 ? "+" : ""}${v}%`);
  out.log(`estimates versus actual usage, run ${report.run_id} (${report.workflow})`);
  out.log(
    table(
      ["assignment", "role", "state", "risk", "estimate", "actual", "error"],
      report.assignments.map((a) => [
        a.id,
        a.role,
        a.state,
        a.risk,
        String(a.estimated_tokens),
        a.actual_tokens === null ? "—" : String(a.actual_tokens),
        pct(a.error_pct),
      ]),
    ),
  );
  // Why orchestrate measured nothing, so a person can fix the launcher (first few, the rest counted).
  const unmeasured = report.assignments.filter((a) => a.no_usage !== undefined);
  for (const a of unmeasured.slice(0, 5)) out.log(`no usage for ${a.id}: ${a.no_usage}`);
  if (unmeasured.length > 5) out.log(`… and ${unmeasured.length - 5} more without usage`);
  out.log("");
  out.log(
    table(
      ["role", "measured", "mean abs. error", "cost"],
      report.roles.map((r) => [
        r.role,
        String(r.measured),
        r.mape_pct === null ? "—" : `${r.mape_pct}%`,
        r.cost_usd === undefined ? "—" : `$${r.cost_usd}`,
      ]),
    ),
  );
  out.log("");
  out.log(
    table(
      ["risk", "assignments", "failed or reworked", "over estimate", "over budget"],
      report.risk.map((r) => [
        r.level,
        String(r.assignments),
        String(r.failed),
        String(r.over_estimate),
        String(r.over_budget),
      ]),
    ),
  );
  return 0;
}
