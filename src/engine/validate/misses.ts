import { kindNamed } from "./kinds/index.js";
import type { CheckResult, Miss } from "./results.js";

/** A failed check's structured miss, stored with its validation report (`misses`) for feedback synthesis. */
export interface RecordedMiss {
  assignment_id: string | null;
  deliverable: string | null;
  check: string;
  miss: Miss;
}

/** The misses of a validation's failed results: per assignment, then the iteration-wide ones. */
export function recordMisses(
  perAssignment: ReadonlyMap<string, readonly CheckResult[]>,
  iterationWide: readonly CheckResult[],
): RecordedMiss[] {
  const recorded = (assignment: string | null, results: readonly CheckResult[]) =>
    results.flatMap((r) =>
      r.status === "failed" && r.miss
        ? [{ assignment_id: assignment, deliverable: r.file ?? null, check: r.check, miss: r.miss }]
        : [],
    );
  return [
    ...[...perAssignment].flatMap(([assignment, results]) => recorded(assignment, results)),
    ...recorded(null, iterationWide),
  ];
}

/** The misses stored with a validation report; a report stored before misses were recorded has none. */
export function missesOf(report: unknown): RecordedMiss[] {
  const misses = (report as { misses?: unknown } | null)?.misses;
  return Array.isArray(misses) ? (misses as RecordedMiss[]) : [];
}

/**
 * What the writers of files matching `pattern` must do, from one miss (each entry follows
 * "must"), in the words of the check's kind; the implicit checks read as their explicit kinds.
 */
export function reminders(check: string, miss: Miss, pattern: string): string[] {
  if (check === "implicit:format")
    return [`be valid ${pattern.slice(pattern.lastIndexOf(".") + 1).toUpperCase()}`];
  const remind = kindNamed(check.replace(/^implicit:/, ""))?.remind;
  return remind ? remind(miss, pattern) : [`pass its \`${check}\` check`];
}
