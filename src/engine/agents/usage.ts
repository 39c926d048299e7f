import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/**
 * What one agent run used, in one shape whatever CLI printed it.
 *
 * `input_tokens` counts every input token the model processed, cached or not: CLIs disagree on
 * whether their own "input" includes cache reads (Claude Code and OpenCode leave them out, Codex
 * and Gemini CLI put them in), so each parser adds the parts up to the same total.
 * `cache_read_tokens` and `cache_write_tokens` are the parts of `input_tokens` served from or written
 * to a prompt cache. `output_tokens` includes reasoning ("thinking") tokens, which every provider
 * bills as output. `cost_usd` is present only when the CLI reports a cost itself.
 */
export interface AgentUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  cost_usd?: number;
}

/** Usage, or why there is none (written for the person reading the report). */
export type UsageResult = { usage: AgentUsage; reason?: undefined } | { usage: null; reason: string };

export function noUsage(reason: string): UsageResult {
  return { usage: null, reason };
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The JSON objects in an agent's log, in order. The log holds the CLI's stdout and stderr together,
 * so JSON is mixed with plain lines ("Loaded cached credentials.", warnings): an object is either
 * one line (JSONL, compact JSON) or a block from a line `{` to a line `}` (pretty-printed JSON, as
 * Gemini CLI prints). Anything else is skipped.
 */
export function jsonObjects(text: string): JsonObject[] {
  const lines = text.split(/\r?\n/);
  const found: JsonObject[] = [];
  // Past the last closing line no block can end, so a log of many stray `{` lines stays linear.
  const lastCloser = lines.findLastIndex((l) => l.trimEnd() === "}");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? "";
    if (!line.startsWith("{")) continue;
    if (line === "{") {
      if (i > lastCloser) continue;
      let end = i + 1;
      while (end < lines.length && lines[end]?.trimEnd() !== "}") end++;
      const block = parseObject(lines.slice(i, end + 1).join("\n"));
      if (block) {
        found.push(block);
        i = end;
      }
      continue;
    }
    const one = parseObject(line);
    if (one) found.push(one);
  }
  return found;
}

function parseObject(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The token counts `required` and `optional` (0 when absent) of `obj`, each a non-negative integer;
 * else the first problem, naming the field by `where`.
 */
export function tokenCounts<R extends string, O extends string = never>(
  obj: JsonObject,
  where: string,
  required: readonly R[],
  optional: readonly O[] = [],
): Record<R | O, number> | string {
  const counts: Record<string, number> = {};
  for (const key of [...required, ...optional]) {
    const value = obj[key];
    if (value === undefined && (optional as readonly string[]).includes(key)) counts[key] = 0;
    else if (typeof value === "number" && Number.isInteger(value) && value >= 0) counts[key] = value;
    else return `${where}.${key} is ${describe(value)}, not a non-negative integer`;
  }
  return counts as Record<R | O, number>;
}

function describe(value: unknown): string {
  if (value === undefined) return "missing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Drops the cache parts and cost when they are zero or absent, so reports show only what was measured. */
export function usageOf(parts: {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  cost?: number;
}): UsageResult {
  const usage: AgentUsage = { input_tokens: parts.input, output_tokens: parts.output };
  if (parts.cacheRead) usage.cache_read_tokens = parts.cacheRead;
  if (parts.cacheWrite) usage.cache_write_tokens = parts.cacheWrite;
  if (parts.cost !== undefined) usage.cost_usd = parts.cost;
  return { usage };
}

/** Longer than any usage file needs to be; a bigger file is a launcher writing the wrong thing. */
export const USAGE_FILE_MAX_BYTES = 64 * 1024;

const USAGE_FILE_KEYS = [
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cost_usd",
];
const USAGE_FILE_EXAMPLE = '{"input_tokens":12000,"output_tokens":1800,"cost_usd":0.05}';

/**
 * The generic contract for launchers that are not a preset: the launcher writes
 * `{"input_tokens":N,"output_tokens":M,"cost_usd":C}` to the file named by `BATON_USAGE_FILE`
 * (cache_read_tokens and cache_write_tokens optional, as parts of input_tokens). `label` names the
 * file in messages (a workspace-relative path, never the machine's absolute one).
 */
export function parseUsageFile(text: string, label: string): UsageResult {
  const trimmed = text.trim();
  if (trimmed === "") return noUsage(`${label} is empty; expected ${USAGE_FILE_EXAMPLE}`);
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return noUsage(`${label} is not JSON (${(error as Error).message}); expected ${USAGE_FILE_EXAMPLE}`);
  }
  if (!isObject(value))
    return noUsage(`${label} holds ${describe(value)}; expected an object like ${USAGE_FILE_EXAMPLE}`);
  const unknown = Object.keys(value).filter((k) => !USAGE_FILE_KEYS.includes(k));
  if (unknown.length > 0) {
    return noUsage(
      `${label}: unknown key \`${unknown.join("`, `")}\`; valid keys: ${USAGE_FILE_KEYS.join(", ")}`,
    );
  }
  const counts = tokenCounts(
    value,
    label,
    ["input_tokens", "output_tokens"],
    ["cache_read_tokens", "cache_write_tokens"],
  );
  if (typeof counts === "string") return noUsage(counts);
  const {
    input_tokens: input,
    output_tokens: output,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
  } = counts;
  if (cacheRead + cacheWrite > input) {
    return noUsage(
      `${label}: cache_read_tokens + cache_write_tokens (${cacheRead + cacheWrite}) exceed input_tokens (${input}); ` +
        "input_tokens counts all input, cached included",
    );
  }
  const cost = value.cost_usd;
  if (cost !== undefined && !(typeof cost === "number" && Number.isFinite(cost) && cost >= 0)) {
    return noUsage(`${label}.cost_usd is ${describe(cost)}, not a non-negative number of US dollars`);
  }
  return usageOf({ input, output, cacheRead, cacheWrite, cost });
}

/**
 * Reads the file a launcher wrote to `BATON_USAGE_FILE` (`file` is the path Baton chose; `label`
 * is how messages name it). A missing file, a symlink or anything but a regular file, or a file
 * over USAGE_FILE_MAX_BYTES gives no usage with the reason; it never throws.
 */
export function readUsageFile(file: string, label: string): UsageResult {
  let fd: number;
  try {
    // O_NOFOLLOW: the launcher controls the file, so a symlink could point anywhere on the machine.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return noUsage(`the launcher wrote no usage file (${label})`);
    if (code === "ELOOP") return noUsage(`${label} is a symlink; write the usage file itself`);
    return noUsage(`${label} could not be read (${code ?? "error"})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return noUsage(`${label} is not a regular file`);
    if (stat.size > USAGE_FILE_MAX_BYTES) {
      return noUsage(
        `${label} has ${stat.size} bytes; a usage file is one small JSON object (at most ${USAGE_FILE_MAX_BYTES})`,
      );
    }
    const buffer = Buffer.alloc(stat.size);
    const read = stat.size === 0 ? 0 : readSync(fd, buffer, 0, stat.size, 0);
    return parseUsageFile(buffer.subarray(0, read).toString("utf8"), label);
  } finally {
    closeSync(fd);
  }
}
