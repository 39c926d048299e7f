import type { EngineContext } from "../engine/engine.js";
import { listWorkflows, runExists } from "../engine/queries.js";
import { resolveIteration } from "../engine/resolve.js";
import { getStatus, type RunStatusReport, type StatusReport } from "../engine/status.js";
import type { Output } from "./output.js";

/** `baton status [target]`: runs → iterations → assignments, with what to do next in CLI terms. */
export function statusCommand(
  engine: EngineContext,
  options: { target?: string; json?: boolean },
  out: Output,
): number {
  const target = options.target;
  const args =
    target === undefined
      ? {}
      : runExists(engine, target)
        ? { run_id: target }
        : { iteration_id: resolveIteration(engine, target).iteration.id };
  const report = getStatus(engine, args);
  const next = cliNext(report, () => listWorkflows(engine).map((w) => w.name));
  if (options.json) {
    out.log(JSON.stringify({ ...report, next }, null, 2));
    return 0;
  }
  for (const run of report.runs) {
    const inputs = Object.entries(run.inputs).map(([k, v]) => `${k}=${v}`);
    out.log(
      `run ${run.id}  ${run.workflow}  ${run.status}${inputs.length ? `  inputs: ${inputs.join(" ")}` : ""}`,
    );
    for (const it of run.iterations) {
      out.log(`  ${it.name}  ${it.id}  ${it.state}  ${percent(it.progress)}  ${it.path}`);
      for (const a of it.assignments) {
        const extra = [
          a.agent ? `agent ${a.agent}` : "",
          a.attempts > 1 ? `attempt ${a.attempts}` : "",
          a.stalled ? "STALLED" : "",
        ].filter(Boolean);
        out.log(
          `    ${a.id}  ${a.role}  ${a.state}  ${percent(a.progress)}  ${a.deliverables_done}/${a.deliverables_total} deliverables${extra.length ? `  ${extra.join(", ")}` : ""}`,
        );
      }
    }
    if (run.not_created.length > 0) out.log(`  not created yet: ${run.not_created.join(", ")}`);
  }
  for (const step of next) out.log(`next: ${step}`);
  return 0;
}

function percent(progress: number): string {
  return `${Math.round(progress * 100)}%`;
}

/** How to resume a run from the command line: orchestrate continues the active run with the same inputs. */
function orchestrateLine(run: RunStatusReport): string {
  const inputs = Object.entries(run.inputs).map(([k, v]) => `${k}=${v}`);
  return `baton orchestrate ${run.workflow}${inputs.length ? ` --inputs ${inputs.join(" ")}` : ""}`;
}

/** Next steps for a person at a shell (the MCP layer words its own for a model, in tool calls). */
export function cliNext(report: StatusReport, workflows: () => string[]): string[] {
  const next: string[] = [];
  for (const run of report.runs) {
    if (run.status === "completed") {
      next.push(`run ${run.id} is complete`);
      continue;
    }
    if (run.status !== "active") continue;
    for (const it of run.iterations) {
      if (it.state === "materialized") {
        next.push(`write the prompts of ${it.name} and carry on: \`${orchestrateLine(run)}\``);
      } else if (it.state === "generated") {
        const pending = it.assignments.filter((a) => a.state === "pending").length;
        const stalled = it.assignments.filter((a) => a.stalled).map((a) => a.id);
        if (stalled.length > 0)
          next.push(`check on stalled assignment(s) ${stalled.join(", ")}: no deliverable changed lately`);
        if (it.assignments.every((a) => a.deliverables_done === a.deliverables_total)) {
          next.push(`\`baton validate ${it.id}\``);
        } else if (pending > 0) {
          next.push(
            `give the ${pending} pending prompt(s) in ${it.path}/agent-prompts/ to agents, or let Baton launch them: \`${orchestrateLine(run)} --launcher <command>\``,
          );
        } else {
          next.push(
            `wait for the agents of ${it.name} (${percent(it.progress)} written): \`baton monitor ${it.id}\``,
          );
        }
      } else if (it.state === "failed") {
        next.push(
          `rework the failed assignments of ${it.name} (see ${it.path}/VALIDATION.md and the rework prompts), then \`baton validate ${it.id}\``,
        );
      }
    }
    if (run.not_created.length > 0 && run.iterations.every((it) => it.state === "passed")) {
      next.push(`start ${run.not_created[0]}: \`baton generate --run ${run.id}\``);
    }
  }
  if (report.runs.length === 0) {
    const names = workflows();
    next.push(
      `start a run: \`baton orchestrate ${names[0] ?? "<workflow>"}\` (workflows: ${names.join(", ")})`,
    );
  }
  return next;
}
