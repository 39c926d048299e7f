import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ConfigError, type ConfigIssue, formatIssue } from "../errors.js";
import { PACKAGE_ROOT, SHIPPED_ROLES_DIR } from "./package-paths.js";
import { type RoleFile, type RoleOverride, roleFileSchema } from "./schema.js";
import { loadYaml, readConfigText, validateWith } from "./yaml.js";

export const DEFAULT_TOKENS_PER_POINT = 500;

/** A fully specified role, after the library and a workflow's overrides are merged. */
export interface Role {
  key: string;
  name: string;
  perspective: string;
  responsibilities: string[];
  capabilities: string[];
  constraints: {
    token_budget: number;
    complexity_threshold: number;
    dependencies: string[];
    tokens_per_point: number;
  };
  output_format: string[];
  guidelines: string[];
  /** The model its agents run on, when the role names one. */
  model?: string;
  /** Where it was defined: a file, or `<workflow>:agent_roles` for a role a workflow created. */
  source: string;
}

/**
 * The roles by key. A role file that fails to load is kept out and remembered in `broken`, so it
 * fails only what uses that role (a workflow, a prompt), with its file:line:col, and nothing else.
 */
export class RoleLibrary extends Map<string, Role> {
  readonly broken = new Map<string, ConfigIssue[]>();

  /** Why `key` cannot be used, naming its file's problems; undefined when the role is not broken. */
  brokenReason(key: string): string | undefined {
    const issues = this.broken.get(key);
    return (
      issues && `role \`${key}\` is defined by a file with errors: ${issues.map(formatIssue).join("; ")}`
    );
  }
}

function fromFile(key: string, file: RoleFile, source: string): Role {
  return {
    key,
    ...file,
    constraints: {
      ...file.constraints,
      tokens_per_point: file.constraints.tokens_per_point ?? DEFAULT_TOKENS_PER_POINT,
    },
    source,
  };
}

/**
 * The role library: shipped `roles/*.yaml`, then the workspace's `.baton/roles/*.yaml`, which
 * replaces a shipped role of the same key whole (a broken workspace file hides the shipped role
 * too: it was meant to replace it). Broken files are listed in `broken`, never thrown.
 */
export function loadRoleLibrary(workspaceRoot?: string): RoleLibrary {
  const dirs = [SHIPPED_ROLES_DIR];
  if (workspaceRoot) dirs.push(path.join(workspaceRoot, ".baton", "roles"));
  const library = new RoleLibrary();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(entry)) continue;
      const key = entry.replace(/\.ya?ml$/, "");
      const file = path.join(dir, entry);
      try {
        library.set(
          key,
          fromFile(key, readRoleFile(file, displayPath(file, workspaceRoot), workspaceRoot), file),
        );
        library.broken.delete(key);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        library.delete(key);
        library.broken.set(key, error.issues);
      }
    }
  }
  return library;
}

interface ParsedRole {
  size: number;
  mtimeMs: number;
  role: RoleFile;
}

/** A shipped role as the build parsed it, keyed by content: installed files carry the tarball's mtime, not the build's. */
interface ShippedRole {
  sha1: string;
  role: RoleFile;
}

/** Parsed role files of this process, reused while a file's size and mtime stay the same. */
const parsed = new Map<string, ParsedRole>();
/** Role files that failed to load, likewise until they change. */
const failed = new Map<string, { size: number; mtimeMs: number; error: ConfigError }>();

/** The shipped roles, parsed at build time (`npm run build` writes it): YAML parsing is slow cold. */
export const SHIPPED_ROLE_CACHE = path.join(PACKAGE_ROOT, "dist", "roles.cache.json");
let shipped: Record<string, ShippedRole> | undefined;

function shippedCache(): Record<string, ShippedRole> {
  if (!shipped) {
    try {
      shipped = JSON.parse(readFileSync(SHIPPED_ROLE_CACHE, "utf8")) as Record<string, ShippedRole>;
    } catch {
      shipped = {};
    }
  }
  return shipped;
}

function readRoleFile(file: string, display: string, workspaceRoot?: string): RoleFile {
  // A dangling link has no stat; the guarded read then reports it as a located problem.
  const { size, mtimeMs } = statSync(file, { throwIfNoEntry: false }) ?? { size: -1, mtimeMs: 0 };
  const known = parsed.get(file) ?? fromShippedCache(file, display, size, mtimeMs);
  if (known && known.size === size && known.mtimeMs === mtimeMs) return known.role;
  const failure = failed.get(file);
  if (failure && failure.size === size && failure.mtimeMs === mtimeMs) throw failure.error;
  try {
    const role = validateWith(loadYaml(file, display, workspaceRoot), roleFileSchema);
    parsed.set(file, { size, mtimeMs, role });
    failed.delete(file);
    return role;
  } catch (error) {
    // Every request loads the library: a broken file is parsed once per change, not per request.
    if (error instanceof ConfigError) failed.set(file, { size, mtimeMs, error });
    throw error;
  }
}

/** A shipped role file whose text is the one the build parsed, without parsing it again. */
function fromShippedCache(
  file: string,
  display: string,
  size: number,
  mtimeMs: number,
): ParsedRole | undefined {
  if (path.dirname(file) !== SHIPPED_ROLES_DIR) return undefined;
  const cached = shippedCache()[path.basename(file)];
  if (!cached || cached.sha1 !== sha1(readConfigText(file, display))) return undefined;
  const known = { size, mtimeMs, role: cached.role };
  parsed.set(file, known);
  return known;
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** The shipped role files parsed, keyed by file name: what the build writes to SHIPPED_ROLE_CACHE. */
export function parseShippedRoles(): Record<string, ShippedRole> {
  const out: Record<string, ShippedRole> = {};
  for (const entry of readdirSync(SHIPPED_ROLES_DIR).sort()) {
    if (!/\.ya?ml$/.test(entry)) continue;
    const file = path.join(SHIPPED_ROLES_DIR, entry);
    const display = `roles/${entry}`;
    out[entry] = {
      sha1: sha1(readConfigText(file, display)),
      role: validateWith(loadYaml(file, display), roleFileSchema),
    };
  }
  return out;
}

/**
 * Merges a workflow's `agent_roles` entry over a library role, key by key: a key given in the
 * workflow replaces the library's value (lists are replaced, not appended); `constraints` merge
 * per constraint; the seed's flat `token_budget`/`complexity_threshold`/`dependencies`/
 * `tokens_per_point` are the same as inside `constraints`. Without a library role the override must
 * define the role whole; the missing keys are returned instead of a role.
 */
export function mergeRole(
  key: string,
  base: Role | undefined,
  override: RoleOverride,
  source: string,
): Role | { missing: string[] } {
  const constraints = {
    token_budget:
      override.token_budget ?? override.constraints?.token_budget ?? base?.constraints.token_budget,
    complexity_threshold:
      override.complexity_threshold ??
      override.constraints?.complexity_threshold ??
      base?.constraints.complexity_threshold,
    dependencies:
      override.dependencies ?? override.constraints?.dependencies ?? base?.constraints.dependencies ?? [],
    tokens_per_point:
      override.tokens_per_point ??
      override.constraints?.tokens_per_point ??
      base?.constraints.tokens_per_point ??
      DEFAULT_TOKENS_PER_POINT,
  };
  const merged = {
    key,
    name: override.name ?? base?.name ?? titleOf(key),
    perspective: override.perspective ?? base?.perspective,
    responsibilities: override.responsibilities ?? base?.responsibilities,
    capabilities: override.capabilities ?? base?.capabilities ?? [],
    output_format: override.output_format ?? base?.output_format ?? [],
    guidelines: override.guidelines ?? base?.guidelines ?? [],
    model: override.model ?? base?.model,
    source: base ? `${base.source} + ${source}` : source,
  };
  const missing = [
    merged.perspective === undefined && "perspective",
    merged.responsibilities === undefined && "responsibilities",
    constraints.token_budget === undefined && "token_budget",
    constraints.complexity_threshold === undefined && "complexity_threshold",
  ].filter((k): k is string => k !== false);
  if (missing.length > 0) return { missing };
  return {
    ...merged,
    perspective: merged.perspective as string,
    responsibilities: merged.responsibilities as string[],
    constraints: constraints as Role["constraints"],
  };
}

function titleOf(key: string): string {
  return key
    .split("_")
    .map((w) => (w.length <= 3 && w !== "lead" ? w.toUpperCase() : w[0]?.toUpperCase() + w.slice(1)))
    .join(" ");
}

/** How messages name a config file: relative to the workspace, else to Baton's package (shipped files). */
export function displayPath(file: string, workspaceRoot?: string): string {
  for (const base of [workspaceRoot, PACKAGE_ROOT, process.cwd()]) {
    if (base === undefined) continue;
    const rel = path.relative(base, file);
    if (!rel.startsWith("..") && !path.isAbsolute(rel)) return rel;
  }
  return file; // a file the operator named on the command line, outside all of them
}
