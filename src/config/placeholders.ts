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
  return pattern.replace(PLACEHOLDER, (whole, name: string) => {
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
  });
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
