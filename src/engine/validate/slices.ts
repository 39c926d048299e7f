import { setImmediate as nextTurn } from "node:timers/promises";
import type { CheckResult, ContentBudget, Outcome } from "./results.js";

/**
 * Content checks run on the server's event loop, in slices: between files and checks the runner
 * gives the loop a turn once SLICE_MS passed, so other requests (get_status, another session's
 * claim) are answered while a long validation runs. Every slice is bounded (a regex or a schema
 * `pattern` by its per-file limit, a YAML parse by the caps in parse.ts), and one validation's
 * content checks together by budgetFor(): checks not done by then fail with a reason.
 * (A worker thread would isolate memory too, but its entry must be plain JavaScript, which the
 * TypeScript sources under test are not; the bounds above keep memory in check instead.)
 */
export const CONTENT_BUDGET_MS = 10_000;
/** Added to the budget per deliverable, so a large iteration of ordinary files is never cut short. */
export const BUDGET_PER_FILE_MS = 20;
const SLICE_MS = 10;

/** The content budget of a validation of this many deliverables. */
export function budgetFor(files: number): number {
  return CONTENT_BUDGET_MS + BUDGET_PER_FILE_MS * files;
}

export function contentBudget(ms = CONTENT_BUDGET_MS): ContentBudget {
  const now = Date.now();
  return { until: now + ms, ms, lastTurn: now };
}

/**
 * The slices of one validation. Its clock lives on the budget, which every runChecks call of the
 * validation shares: a validation of a thousand small assignments (each well under a slice) still
 * gives the event loop a turn every SLICE_MS, not never.
 */
export class Slicer {
  constructor(private readonly budget: ContentBudget = contentBudget()) {}

  get deadline(): number {
    return this.budget.until;
  }

  get budgetMs(): number {
    return this.budget.ms;
  }

  get expired(): boolean {
    return Date.now() >= this.deadline;
  }

  /** Whether this slice ran long enough that `pause` gives the event loop a turn. */
  get due(): boolean {
    return Date.now() - this.budget.lastTurn >= SLICE_MS;
  }

  /** Gives the event loop a turn if this slice ran long enough. */
  async pause(): Promise<void> {
    if (!this.due) return;
    await nextTurn();
    this.budget.lastTurn = Date.now();
  }

  timedOut(): Outcome {
    return { status: "failed", reason: timedOutReason(this.budgetMs), miss: { found: "timeout" } };
  }
}

function timedOutReason(ms: number): string {
  return (
    `check timed out after ${Math.round(ms / 100) / 10} s (the time limit for one validation's content checks); ` +
    "earlier checks used it up: fix or simplify the files and patterns that were slow, then validate again"
  );
}

/** An implicit check that the budget stopped before it ran. */
export function pastDeadline(check: string, file: string, ms: number): CheckResult {
  return {
    check,
    file,
    status: "failed",
    reason: `${file}: ${timedOutReason(ms)}`,
    miss: { found: "timeout" },
  };
}
