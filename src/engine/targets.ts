import path from "node:path";
import { escapeRegex, fillPattern, isTargetPlaceholder, placeholdersIn } from "../config/placeholders.js";
import { reservedPathReason, type Workspace } from "../config/workspace.js";
import { UserError } from "../errors.js";
import { loadFastGlob } from "./lazy.js";

export interface Target {
  /** Workspace-relative path with forward slashes. */
  path: string;
  /** What the first wildcard of the glob matched (docs/design.md §3): `stories/*.md` on `stories/US-7.md` → `US-7`. */
  id: string;
}

/** Never targets: version control, dependencies, Baton's own state. */
export const TARGET_IGNORE = ["**/.git/**", "**/node_modules/**", "**/.baton/**"];

/**
 * Expands target globs (after filling run inputs) inside the workspace, in a stable order.
 * Duplicates across globs are kept once. Symlinks are not followed while walking; a folder the
 * pattern names itself (`{stories,linkdir}/*.md`) is read even if it is a link, so every matched
 * folder is checked to really lie inside the workspace (once per folder).
 */
export async function resolveTargets(
  workspace: Workspace,
  patterns: readonly string[],
  inputs: Readonly<Record<string, string>>,
): Promise<Target[]> {
  const seen = new Map<string, Target>();
  const folders = new Map<string, boolean>();
  for (const raw of patterns) {
    const pattern = fillPattern(raw, { inputs });
    workspace.resolveForAgents(pattern.replace(/[*?[{].*$/, "") || ".", "target pattern");
    const entries = await loadFastGlob()(pattern, {
      cwd: workspace.root,
      ignore: TARGET_IGNORE,
      onlyFiles: true,
      dot: false,
      followSymbolicLinks: false,
      objectMode: true,
      // Duplicates are dropped below (`seen`); fast-glob's own check cost a lookup per entry.
      unique: false,
    });
    entries.sort((a, b) => compareNatural(a.path, b.path));
    const idOf = targetIdMatcher(pattern);
    for (const { path: file, dirent } of entries) {
      const dir = path.posix.dirname(file);
      let dirInside = folders.get(dir);
      if (dirInside === undefined) {
        dirInside = workspace.contains(path.join(workspace.root, dir));
        folders.set(dir, dirInside);
      }
      if (!dirInside) {
        throw new UserError(
          `target \`${file}\` of pattern \`${pattern}\` leaves the workspace through a symbolic link (folder \`${dir}\`)`,
        );
      }
      if (dirent.isSymbolicLink()) workspace.resolve(file, "target");
      if (!seen.has(file)) seen.set(file, { path: file, id: idOf(file) });
    }
  }
  return [...seen.values()];
}

/**
 * Refuses two writers of one file before anything is stored: two targets whose ids fill a
 * deliverable pattern to the same path (`docs/**\/*.md` → `reviews/{page_id}.md` for `a/x.md` and
 * `b/x.md`), or two agents of an iteration writing the same file. Also refuses a deliverable that
 * a run input filled into `.git/` or `.baton/`.
 */
export function checkDeliverableCollisions(
  agents: readonly { role: string; deliverables: readonly string[]; targets?: readonly string[] }[],
  targetsByAgent: readonly (readonly Target[])[],
  inputs: Readonly<Record<string, string>>,
): void {
  // The writer of each file, described only when a second one turns up (10,000 targets, one collision at most).
  const writers = new Map<string, { a: number; target: Target | undefined }>();
  const describe = ({ a, target }: { a: number; target: Target | undefined }) => {
    const role = agents[a]?.role;
    return target
      ? `target \`${target.path}\` (id \`${target.id}\`) of agent ${a + 1} (${role})`
      : `agent ${a + 1} (${role})`;
  };
  agents.forEach((agent, a) => {
    const targets: (Target | undefined)[] = agent.targets?.length
      ? [...(targetsByAgent[a] ?? [])]
      : [undefined];
    for (const pattern of agent.deliverables) {
      const perTarget = placeholdersIn(pattern).some(
        (name) => isTargetPlaceholder(name) && !(name in inputs),
      );
      for (const target of targets) {
        const file = fillPattern(pattern, { inputs, target });
        const reserved = reservedPathReason(file);
        if (reserved) throw new UserError(`deliverable \`${file}\` (from \`${pattern}\`) ${reserved}`);
        const prior = writers.get(file);
        if (prior !== undefined) {
          const hint = !target
            ? "give each file one writer"
            : perTarget
              ? "the ids come from the pattern's first wildcard; use a placeholder that tells them apart ({target} or {target_dir}/{id})"
              : `\`${pattern}\` has no target placeholder, so every target would write it; add one such as {id}`;
          throw new UserError(
            `two assignments would write \`${file}\`: ${describe(prior)} and ${describe({ a, target })}; ${hint}`,
          );
        }
        writers.set(file, { a, target });
      }
    }
  });
}

const natural = new Intl.Collator("en", { numeric: true });

/** `US-2` before `US-10`: people number their stories. */
export function compareNatural(a: string, b: string): number {
  return compareNumbered(a, b) ?? natural.compare(a, b);
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The collator's answer without asking it (sorting 10,000 targets asked it some 130,000 times),
 * for the usual pair of target paths: equal up to a run of ASCII digits whose numbers differ
 * (`stories/US-7.md`, `stories/US-12.md`). With everything before the run equal, the collator's
 * first difference is those numbers. Anything else (no digits there, equal numbers such as `07`
 * and `7`, runs too long for a double) is left to the collator: undefined.
 */
function compareNumbered(a: string, b: string): number | undefined {
  const shorter = Math.min(a.length, b.length);
  let start = 0;
  while (start < shorter && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (start > 0 && isDigit(a.charCodeAt(start - 1))) start--;
  let endA = start;
  while (isDigit(a.charCodeAt(endA))) endA++;
  let endB = start;
  while (isDigit(b.charCodeAt(endB))) endB++;
  if (endA === start || endB === start || endA - start > 15 || endB - start > 15) return undefined;
  const x = Number(a.slice(start, endA));
  const y = Number(b.slice(start, endB));
  return x === y ? undefined : x < y ? -1 : 1;
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
