/**
 * Real token counts with the o200k BPE encoding. The tokenizer costs ~150 ms and ~40 MB to load,
 * so it is imported on first use, never at server start-up.
 */
type CountTokens = (text: string) => number;

let loading: Promise<CountTokens> | undefined;

export function loadTokenizer(): Promise<CountTokens> {
  loading ??= import("gpt-tokenizer/encoding/o200k_base").then((m) => (text: string) => m.countTokens(text));
  return loading;
}

export async function countTokens(text: string): Promise<number> {
  return (await loadTokenizer())(text);
}
