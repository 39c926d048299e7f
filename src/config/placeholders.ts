/** `{name}` placeholders in deliverable patterns (docs/design.md §3). */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export const TARGET_PLACEHOLDERS = ["id", "<name>_id", "target", "target_dir", "target_name"] as const;

export function placeholdersIn(pattern: string): string[] {
  return [...pattern.matchAll(PLACEHOLDER)].map((m) => m[1] ?? "");
}

export function isTargetPlaceholder(name: string): boolean {
  return (
    name === "id" ||
    name.endsWith("_id") ||
    name === "target" ||
    name === "target_dir" ||
    name === "target_name"
  );
}

/** The placeholders a pattern may use, for error messages: input names, plus target ones when there are targets. */
export function knownPlaceholders(inputNames: readonly string[], hasTargets: boolean): string[] {
  const names = inputNames.map((n) => `{${n}}`);
  if (hasTargets) names.push(...TARGET_PLACEHOLDERS.map((n) => `{${n}}`));
  return names;
}

/** Values for one target (or none), to fill a pattern. Inputs win over target ids (docs/design.md §3). */
export interface PlaceholderValues {
  inputs: Readonly<Record<string, string>>;
  target?: { path: string; id: string };
}

export function fillPattern(pattern: string, values: PlaceholderValues): string {
  const parts = partsOf(pattern);
  if (parts.length === 1 && typeof parts[0] === "string") return parts[0];
  let filled = "";
  for (const part of parts) filled += typeof part === "string" ? part : placeholderValue(part, values);
  return filled;
}

function placeholderValue(
  { name, whole }: { name: string; whole: string },
  values: PlaceholderValues,
): string {
  const input = values.inputs[name];
  if (input !== undefined) return input;
  const target = values.target;
  if (!target) return whole;
  if (name === "id" || name.endsWith("_id")) return target.id;
  if (name === "target") return target.path;
  const slash = target.path.lastIndexOf("/");
  if (name === "target_dir") return slash === -1 ? "." : target.path.slice(0, slash);
  if (name === "target_name") return target.path.slice(slash + 1).replace(/\.[^.]*$/, "");
  return whole;
}

/** Patterns split into text and placeholders once: generating fills each one for every target. */
const splitPatterns = new Map<string, (string | { name: string; whole: string })[]>();
/** Distinct patterns kept split (workflows declare a handful; inputs filled in make more). */
const SPLIT_LIMIT = 1000;

function partsOf(pattern: string): (string | { name: string; whole: string })[] {
  let parts = splitPatterns.get(pattern);
  if (!parts) {
    parts = [];
    let last = 0;
    for (const match of pattern.matchAll(PLACEHOLDER)) {
      if (match.index > last) parts.push(pattern.slice(last, match.index));
      parts.push({ name: match[1] as string, whole: match[0] });
      last = match.index + match[0].length;
    }
    if (last < pattern.length || parts.length === 0) parts.push(pattern.slice(last));
    if (splitPatterns.size >= SPLIT_LIMIT) splitPatterns.clear();
    splitPatterns.set(pattern, parts);
  }
  return parts;
}

/**
 * A test for concrete paths a pattern can produce: inputs are filled first, the remaining
 * placeholders match one path segment (`{target}` and `{target_dir}` may span folders).
 */
export function patternMatcher(
  pattern: string,
  inputs: Readonly<Record<string, string>>,
): (file: string) => boolean {
  const filled = fillPattern(pattern, { inputs });
  let source = "";
  let last = 0;
  for (const match of filled.matchAll(PLACEHOLDER)) {
    source += escapeRegex(filled.slice(last, match.index));
    source += match[1] === "target" || match[1] === "target_dir" ? "(.+)" : "([^/]+)";
    last = (match.index ?? 0) + match[0].length;
  }
  source += escapeRegex(filled.slice(last));
  const regex = new RegExp(`^${source}$`);
  return (file) => regex.test(file);
}

/** Escapes text for use inside a RegExp source. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
