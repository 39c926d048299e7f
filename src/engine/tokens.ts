/**
 * Real token counts with the o200k BPE encoding. The tokenizer costs ~150 ms and ~40 MB to load,
 * so it is imported on first use, never at server start-up.
 */
type CountTokens = (text: string) => number;

let loading: Promise<CountTokens> | undefined;
let prompts: Promise<CountTokens> | undefined;

/** Whole-text counts: for file contents, which share nothing worth remembering. */
export function loadTokenizer(): Promise<CountTokens> {
  loading ??= import("gpt-tokenizer/encoding/o200k_base").then((m) => m.countTokens);
  return loading;
}

/** Exact counts for generated prompts, which repeat most of their lines (see segmentedCounter). */
export function loadPromptCounter(): Promise<CountTokens> {
  prompts ??= loadTokenizer().then(segmentedCounter);
  return prompts;
}

export async function countTokens(text: string): Promise<number> {
  return (await loadTokenizer())(text);
}

/** Distinct segments remembered; beyond this the cache starts over (bounded memory). */
const CACHE_LIMIT = 200_000;

/**
 * Counts by segments, each a line plus the blank lines after it, cut where a newline is followed
 * by a character other than whitespace or `/`. o200k's pre-tokenizer never joins text across such
 * a point (only whitespace runs and `punctuation[\r\n/]*` continue past a newline), so the count of the whole equals
 * the sum of the segments' counts. Prompts of one iteration share most of their lines, so each
 * distinct segment is tokenized once: generating a thousand prompts costs little more than their
 * unique lines.
 */
function segmentedCounter(count: CountTokens): CountTokens {
  const cache = new Map<string, number>();
  return (text) => {
    let total = 0;
    let start = 0;
    for (let i = text.indexOf("\n"); i !== -1 && i < text.length - 1; i = text.indexOf("\n", i + 1)) {
      const next = text.charCodeAt(i + 1);
      // Whitespace (space, tab, CR, LF, FF, VT) and `/` can continue the chunk the newline is in.
      if (next === 32 || (next >= 9 && next <= 13) || next === 47) continue;
      total += cached(text.slice(start, i + 1));
      start = i + 1;
    }
    return total + (start < text.length ? cached(text.slice(start)) : 0);
  };

  function cached(segment: string): number {
    let n = cache.get(segment);
    if (n === undefined) {
      n = count(segment);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(segment, n);
    }
    return n;
  }
}
