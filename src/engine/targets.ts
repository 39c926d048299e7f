import { escapeRegex, fillPattern } from "../config/placeholders.js";
import type { Workspace } from "../config/workspace.js";
import { UserError } from "../errors.js";
import { loadFastGlob } from "./lazy.js";

export interface Target {
  /** Workspace-relative path with forward slashes. */
  path: string;
  /** What the first wildcard of the glob matched (DESIGN §3): `stories/*.md` on `stories/US-7.md` → `US-7`. */
  id: string;
}

/** Never targets: version control, dependencies, Baton's own state. */
export const TARGET_IGNORE = ["**/.git/**", "**/node_modules/**", "**/.baton/**"];

/**
 * Expands target globs (after filling run inputs) inside the workspace, in a stable order.
 * Duplicates across globs are kept once. Symlinks are not followed, so a glob cannot leave the workspace.
 */
export async function resolveTargets(
  workspace: Workspace,
  patterns: readonly string[],
  inputs: Readonly<Record<string, string>>,
): Promise<Target[]> {
  const seen = new Map<string, Target>();
  for (const raw of patterns) {
    const pattern = fillPattern(raw, { inputs });
    workspace.resolve(pattern.replace(/[*?[{].*$/, "") || ".", "target pattern");
    const entries = await loadFastGlob()(pattern, {
      cwd: workspace.root,
      ignore: TARGET_IGNORE,
      onlyFiles: true,
      dot: false,
      followSymbolicLinks: false,
      objectMode: true,
    });
    entries.sort((a, b) => compareNatural(a.path, b.path));
    const idOf = targetIdMatcher(pattern);
    for (const { path: file, dirent } of entries) {
      // The glob never descends through a link, so only a matched link can point outside.
      if (dirent.isSymbolicLink()) workspace.resolve(file, "target");
      if (!seen.has(file)) seen.set(file, { path: file, id: idOf(file) });
    }
  }
  return [...seen.values()];
}

const natural = new Intl.Collator("en", { numeric: true });

/** `US-2` before `US-10`: people number their stories. */
export function compareNatural(a: string, b: string): number {
  return natural.compare(a, b);
}

/** A function giving the text the pattern's first wildcard matched in a path the pattern matched. */
export function targetIdMatcher(pattern: string): (file: string) => string {
  const regex = new RegExp(`^${globToRegexSource(pattern)}$`);
  return (file) => {
    const match = regex.exec(file);
    const id = match?.slice(1).find((g) => g !== undefined && g !== "");
    return id ?? file.replace(/\.[^./]*$/, "");
  };
}

/** Translates a glob to a regex whose capture groups are the wildcards, in order. */
function globToRegexSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:(.*)/)?" : "(.*)";
      i += slash ? 2 : 1;
    } else if (c === "*") {
      out += "([^/]*)";
    } else if (c === "?") {
      out += "([^/])";
    } else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end === -1) throw new UserError(`target pattern \`${glob}\` has an unclosed \`[\``);
      out += `([${glob.slice(i + 1, end).replace(/^!/, "^")}])`;
      i = end;
    } else if (c === "{") {
      const end = glob.indexOf("}", i + 1);
      if (end === -1) throw new UserError(`target pattern \`${glob}\` has an unclosed \`{\``);
      out += `(${glob
        .slice(i + 1, end)
        .split(",")
        .map(escapeRegex)
        .join("|")})`;
      i = end;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}
