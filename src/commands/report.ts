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
  out.log("");
  out.log(
    table(
      ["role", "measured", "mean abs. error"],
      report.roles.map((r) => [r.role, String(r.measured), r.mape_pct === null ? "—" : `${r.mape_pct}%`]),
    ),
  );
  out.log("");
  out.log(
    table(
      ["risk", "assignments", "failed", "over estimate"],
      report.risk.map((r) => [r.level, String(r.assignments), String(r.failed), String(r.over_estimate)]),
    ),
  );
  return 0;
}
