import cliProgress from "cli-progress";
import type { StatusReport } from "../engine/status.js";

/** One terminal progress bar per assignment, drawn from the same status get_status returns. */
export class ProgressBars {
  private readonly multi = new cliProgress.MultiBar(
    { format: " {bar} {percentage}% | {id} {state}{flag}", hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  private readonly bars = new Map<string, cliProgress.SingleBar>();

  update(report: StatusReport): void {
    for (const run of report.runs) {
      for (const it of run.iterations) {
        for (const a of it.assignments) {
          const payload = { id: a.id, state: a.state, flag: a.stalled ? " STALLED" : "" };
          const bar = this.bars.get(a.id) ?? this.multi.create(100, 0, payload);
          this.bars.set(a.id, bar);
          bar.update(Math.round(a.progress * 100), payload);
        }
      }
    }
  }

  /** A line above the bars (the bars redraw below it). */
  log(line: string): void {
    this.multi.log(`${line}\n`);
  }

  stop(): void {
    this.multi.stop();
  }
}
