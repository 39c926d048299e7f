import type { EngineContext } from "../engine/engine.js";
import { synthesize } from "../engine/feedback.js";
import { resolveIteration } from "../engine/resolve.js";
import type { Output } from "./output.js";

/** `baton feedback <iteration>`: re-synthesizes the workflow's learnings and prints them. */
export function feedbackCommand(
  engine: EngineContext,
  options: { iteration: string; json?: boolean },
  out: Output,
): number {
  const result = synthesize(engine, resolveIteration(engine, options.iteration));
  if (options.json) {
    out.log(JSON.stringify(result, null, 2));
    return 0;
  }
  out.log(
    `${result.learnings.length} learning(s) for workflow ${result.workflow} (${result.learnings_file})`,
  );
  for (const l of result.learnings) {
    const mark = l.enabled ? (result.new_learnings.includes(l.id) ? "+" : "•") : "-";
    out.log(`${mark} [${l.kind}${l.role ? ` ${l.role}` : ""}] ${l.text}`);
    out.log(
      `    evidence: ${l.evidence.source}, ${l.evidence.count} of ${l.evidence.of}${l.enabled ? "" : " (disabled)"}`,
    );
  }
  if (result.feedback_path) out.log(`report: ${result.feedback_path}`);
  return 0;
}
