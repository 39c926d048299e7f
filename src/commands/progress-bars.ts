import type { AssignmentStatus, StatusReport } from "../engine/status.js";

/** What the bars draw on: process.stdout in a terminal, a recorder in tests. */
export interface TerminalStream {
  write(chunk: string): unknown;
  columns?: number;
  rows?: number;
}

const ESC = "\u001b[";
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;
const BAR_WIDTH = 20;

/**
 * One progress bar per assignment, kept below the log lines: each redraw moves the cursor back to
 * the first bar line and clears to the end of the screen, so a log line never shares a line with
 * a bar and `stop` leaves nothing behind for the summary that follows.
 */
export class ProgressBars {
  private readonly rows = new Map<string, AssignmentStatus>();
  /** Bar lines on the screen now (the cursor sits on the line below them). */
  private drawn = 0;
  private started = false;

  constructor(private readonly stream: TerminalStream = process.stdout) {}

  update(report: StatusReport): void {
    for (const run of report.runs)
      for (const it of run.iterations) for (const a of it.assignments) this.rows.set(a.id, a);
    this.stream.write(this.erase() + this.draw());
  }

  /** A line above the bars. */
  log(line: string): void {
    this.stream.write(`${this.erase()}${line}\n${this.draw()}`);
  }

  /** Clears the bars and shows the cursor again: what follows starts on a clean line. */
  stop(): void {
    if (!this.started) return;
    this.stream.write(this.erase() + SHOW_CURSOR);
    this.started = false;
    this.rows.clear();
  }

  private erase(): string {
    const text = this.drawn > 0 ? `${ESC}${this.drawn}A\r${ESC}J` : "";
    this.drawn = 0;
    return text;
  }

  private draw(): string {
    if (this.rows.size === 0) return "";
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    // Bars taller than the screen would scroll out of reach of the cursor moves that erase them.
    const room = Math.max(1, (this.stream.rows ?? 24) - 2);
    const all = [...this.rows.values()];
    const shown = all.length > room ? all.slice(0, room - 1) : all;
    const lines = shown.map((a) => barLine(a).slice(0, width));
    if (shown.length < all.length) lines.push(`  … and ${all.length - shown.length} more`.slice(0, width));
    this.drawn = lines.length;
    const start = this.started ? "" : HIDE_CURSOR;
    this.started = true;
    return `${start}${lines.join("\n")}\n`;
  }
}

export function barLine(a: AssignmentStatus): string {
  const filled = Math.round(a.progress * BAR_WIDTH);
  const bar = `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
  const pct = `${Math.round(a.progress * 100)}%`.padStart(4);
  return ` ${bar} ${pct} | ${a.id} ${a.state}${a.stalled ? " STALLED" : ""}`;
}
