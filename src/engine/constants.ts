/** Durations and limits the engine's use cases share, defined once. */

/** How long a claim lasts without any call about it (docs/design.md §7). */
export const LEASE_MINUTES = 30;
export const LEASE_MS = LEASE_MINUTES * 60_000;

/** How many iterations a decomposition may plan unless the caller says otherwise. */
export const DEFAULT_MAX_ITERATIONS = 8;

/** A submission counts the unfinished assignments exactly up to this many; beyond it, "more than" is enough. */
export const REMAINING_CAP = 1000;
