import type { EngineContext } from "../engine/engine.js";
import { runExists } from "../engine/queries.js";
import { resolveIteration } from "../engine/resolve.js";
import { getStatus, type StatusReport } from "../engine/status.js";
import type { Output } from "./output.js";
import { ProgressBars, type TerminalStream } from "./progress-bars.js";

export interface MonitorOptions {
  target?: string;
  stallMinutes?: number;
  intervalS: number;
  /** Progress bars when the output is a terminal, plain lines otherwise. */
  tty: boolean;
  /** Where the bars are drawn (default: process.stdout). */
  stream?: TerminalStream;
  /** JSON lines instead of text: one per assignment change, then `{"verdict": …}`. */
  json?: boolean;
  /** Waits between polls; the CLI passes a timer, tests pass a function that moves files or the clock. */
  wait: (ms: number) => Promise<void>;
}

/** The run or iteration to watch: an iteration id or folder, a run id, or every active run. */
function scope(
  engine: EngineContext,
  target: string | undefined,
): { run_id?: string; iteration_id?: string } {
  if (!target) return {};
  if (runExists(engine, target)) return { run_id: target };
  return { iteration_id: resolveIteration(engine, target).iteration.id };
}

type Verdict = "complete" | "stalled" | "running";

/** Complete when every watched assignment has written all its deliverables (or passed); stalled when one stalls. */
export function verdictOf(report: StatusReport): Verdict {
  const assignments = report.runs.flatMap((r) => r.iterations.flatMap((it) => it.assignments));
  if (assignments.some((a) => a.stalled)) return "stalled";
  if (
    assignments.length > 0 &&
    assignments.every((a) => a.state === "passed" || a.deliverables_done === a.deliverables_total)
  ) {
    return "complete";
  }
  return "running";
}

/** `baton monitor`: exit 0 on completion, 2 on a stall. */
export async function monitorCommand(
  engine: EngineContext,
  options: MonitorOptions,
  out: Output,
): Promise<number> {
  const args = { ...scope(engine, options.target), stall_minutes: options.stallMinutes };
  const bars = options.tty && !options.json ? new ProgressBars(options.stream) : undefined;
  // Outside a terminal each assignment's line is printed when it changes, not on every look.
  const printed = new Map<string, string>();
  const printChanges = (report: StatusReport) => {
    for (const run of report.runs)
      for (const it of run.iterations)
        for (const a of it.assignments) {
          const line = `${a.id} ${a.state} ${Math.round(a.progress * 100)}% (${a.deliverables_done}/${a.deliverables_total} deliverables)${a.stalled ? " STALLED" : ""}`;
          if (printed.get(a.id) === line) continue;
          printed.set(a.id, line);
          out.log(options.json ? JSON.stringify({ run_id: run.id, iteration_id: it.id, ...a }) : line);
        }
  };
  try {
    for (;;) {
      const report = getStatus(engine, args);
      const verdict = verdictOf(report);
      if (bars && verdict === "running") bars.update(report);
      else {
        // The bars are cleared before the verdict: the final state is printed as plain lines.
        bars?.stop();
        printChanges(report);
      }
      if (verdict === "complete") {
        out.log(
          options.json
            ? JSON.stringify({ verdict })
            : "complete: every deliverable is written; validate with `baton validate <iteration>`",
        );
        return 0;
      }
      if (verdict === "stalled") {
        const stalled = report.runs.flatMap((r) =>
          r.iterations.flatMap((it) => it.assignments.filter((a) => a.stalled).map((a) => a.id)),
        );
        if (options.json) out.log(JSON.stringify({ verdict, stalled }));
        out.error(`stalled: ${stalled.join(", ")} (no deliverable changed within the stall limit)`);
        return 2;
      }
      await options.wait(options.intervalS * 1000);
    }
  } finally {
    bars?.stop();
  }
}
