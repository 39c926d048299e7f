import type { EngineContext } from "../engine/engine.js";
import { validateIteration } from "../engine/validation.js";
import type { ValidationReport } from "../engine/validation-report.js";
import { type Output, table } from "./output.js";

/** `baton validate`: exit 0 only when every machine check passes. */
export async function validateCommand(
  engine: EngineContext,
  options: { iteration: string; json?: boolean; allowCommands?: boolean },
  out: Output,
): Promise<number> {
  const report = await validateIteration(engine, {
    iteration_id: options.iteration,
    allowCommands: options.allowCommands,
  });
  if (options.json) out.log(JSON.stringify(report, null, 2));
  else out.log(validationText(report));
  // A skipped check (a command without --allow-commands) has not passed either.
  if (report.passed && report.counts.skipped > 0 && !options.json) {
    out.error(`${report.counts.skipped} check(s) did not run; exit 1 until they run (--allow-commands)`);
  }
  return report.passed && report.counts.skipped === 0 ? 0 : 1;
}

export function validationText(report: ValidationReport): string {
  const lines = [
    `${report.passed ? "PASSED" : "FAILED"} ${report.iteration_id}: ${report.counts.passed} passed, ${report.counts.failed} failed, ` +
      `${report.counts.skipped} skipped, ${report.counts.needs_review} need review`,
    "",
    table(
      ["assignment", "role", "state", "attempts", "checks", "failures"],
      report.assignments.map((a) => [
        a.id,
        a.role,
        a.state,
        String(a.attempts),
        String(a.checks),
        String(a.failures),
      ]),
    ),
  ];
  if (report.failures.length > 0) {
    lines.push("", "Failures:");
    for (const f of report.failures) lines.push(`  ✗ [${f.check}] ${f.reason}`);
  }
  for (const s of report.skipped) lines.push(`  - skipped [${s.check}] ${s.reason}`);
  for (const r of report.rework) lines.push(`  ↻ rework ${r.attempt}/${r.max_attempts}: ${r.prompt_path}`);
  if (report.needs_review.length > 0) {
    lines.push("", "Needs review:");
    for (const h of report.needs_review) lines.push(`  ? ${h}`);
  }
  if (report.awaiting_approval) {
    lines.push(
      "",
      `Awaiting a person's approval: baton review ${report.iteration_id} --approve (or --reject --notes "...")`,
    );
  }
  lines.push("", `report: ${report.report_path}`);
  return lines.join("\n");
}
