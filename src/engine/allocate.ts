/** One target's share of an instance's tokens: its file, its expected output, its lines in the prompt. */
export interface CostedItem<T> {
  item: T;
  cost: number;
}

export interface Bin<T> {
  items: T[];
  /** Sum of item costs (without the per-instance overhead). */
  load: number;
  /** True when a single item alone exceeds the budget: it gets its own instance and is flagged. */
  oversized: boolean;
}

export interface AllocationLimits {
  /** Most items per instance (`complexity_threshold`). */
  maxItems: number;
  /** Most tokens per instance (`token_budget`). */
  budget: number;
  /** Tokens every instance pays regardless of its items (the prompt without targets). */
  overhead: number;
  /** Never use fewer instances than this (raised when exact counts overshoot an approximation). */
  minBins?: number;
}

/**
 * Packs items into the fewest instances that respect both limits, balancing load: the instance
 * count starts at the lower bound both limits imply and grows until a largest-first greedy
 * placement (each item to the least-loaded instance it fits in) succeeds — or, for small inputs
 * where the greedy misses, a bounded exact search does. Output keeps the input
 * order inside each instance and orders instances by their first item.
 */
export function allocate<T>(items: readonly CostedItem<T>[], limits: AllocationLimits): Bin<T>[] {
  const capacity = limits.budget - limits.overhead;
  // Items are packed by their index: copying ten thousand items to attach an index cost more
  // than packing them.
  const costs = items.map((e) => e.cost);
  const oversized: number[] = [];
  const regular: number[] = [];
  for (const [i, cost] of costs.entries()) (cost > capacity ? oversized : regular).push(i);
  const bins: (Slot & { oversized: boolean })[] = oversized.map((i) => ({
    entries: [i],
    load: costs[i] as number,
    oversized: true,
  }));
  if (regular.length > 0) {
    const total = regular.reduce((sum, i) => sum + (costs[i] as number), 0);
    let count = Math.max(
      1,
      limits.minBins ?? 1,
      Math.ceil(regular.length / limits.maxItems),
      capacity > 0 ? Math.ceil(total / capacity) : regular.length,
    );
    const byCost = regular.sort((a, b) => (costs[b] as number) - (costs[a] as number) || a - b);
    for (;;) {
      const packed =
        tryPack(byCost, costs, count, limits.maxItems, capacity) ??
        (byCost.length <= EXACT_SEARCH_MAX_ITEMS
          ? searchPack(byCost, costs, count, limits.maxItems, capacity)
          : null);
      if (packed) {
        for (const b of packed) if (b.entries.length > 0) bins.push({ ...b, oversized: false });
        break;
      }
      count++;
    }
  }
  for (const b of bins) b.entries.sort((x, y) => x - y);
  bins.sort((a, b) => (a.entries[0] ?? 0) - (b.entries[0] ?? 0));
  return bins.map((b) => ({
    items: b.entries.map((i) => (items[i] as CostedItem<T>).item),
    load: b.load,
    oversized: b.oversized,
  }));
}

/** An instance being filled: the indexes of its items and the sum of their costs. */
interface Slot {
  entries: number[];
  load: number;
}

/**
 * Largest-first placement into exactly `count` instances, each item to the least-loaded instance
 * (fewest items on ties) that still has room for one more item. If that instance cannot take the
 * item's tokens, none can: every other open instance carries at least as much. A heap keeps each
 * placement O(log count), so ten thousand targets pack quickly.
 */
function tryPack(
  byCost: readonly number[],
  costs: readonly number[],
  count: number,
  maxItems: number,
  capacity: number,
): Slot[] | null {
  const bins = Array.from({ length: count }, (): Slot => ({ entries: [], load: 0 }));
  const open = new MinHeap<Slot>((a, b) => a.load - b.load || a.entries.length - b.entries.length);
  for (const bin of bins) open.push(bin);
  for (const entry of byCost) {
    const cost = costs[entry] as number;
    const best = open.pop();
    if (!best || best.load + cost > capacity) return null;
    best.entries.push(entry);
    best.load += cost;
    if (best.entries.length < maxItems) open.push(best);
  }
  return bins;
}

/** A binary min-heap. */
class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => number) {}

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.before(items[i] as T, items[parent] as T) >= 0) break;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.before(items[l] as T, items[m] as T) < 0) m = l;
        if (r < items.length && this.before(items[r] as T, items[m] as T) < 0) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m] as T, items[i] as T];
        i = m;
      }
    }
    return top;
  }
}

/** Inputs up to this size get an exact search when the greedy placement fails (bin packing is NP-hard). */
const EXACT_SEARCH_MAX_ITEMS = 40;
const SEARCH_NODE_LIMIT = 200_000;

/**
 * Depth-first search for a placement into exactly `count` instances, largest items first, trying
 * the least-loaded instance first (so results stay balanced) and skipping instances in the same
 * state as one already tried. Gives up (null) after SEARCH_NODE_LIMIT steps.
 */
function searchPack(
  byCost: readonly number[],
  costs: readonly number[],
  count: number,
  maxItems: number,
  capacity: number,
): Slot[] | null {
  const bins = Array.from({ length: count }, (): Slot => ({ entries: [], load: 0 }));
  const suffix = byCost.map((_, i) => byCost.slice(i).reduce((sum, e) => sum + (costs[e] as number), 0));
  let nodes = 0;
  const place = (i: number): boolean => {
    if (i === byCost.length) return true;
    if (++nodes > SEARCH_NODE_LIMIT) return false;
    const free = bins.reduce((sum, b) => sum + (b.entries.length < maxItems ? capacity - b.load : 0), 0);
    if ((suffix[i] ?? 0) > free) return false;
    const entry = byCost[i] as number;
    const cost = costs[entry] as number;
    const tried = new Set<string>();
    for (const bin of [...bins].sort((a, b) => a.load - b.load)) {
      if (bin.entries.length >= maxItems || bin.load + cost > capacity) continue;
      const state = `${bin.load}/${bin.entries.length}`;
      if (tried.has(state)) continue;
      tried.add(state);
      bin.entries.push(entry);
      bin.load += cost;
      if (place(i + 1)) return true;
      bin.entries.pop();
      bin.load -= cost;
    }
    return false;
  };
  return place(0) ? bins : null;
}
