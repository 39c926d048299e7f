import { createHash } from "node:crypto";
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { ConfigError, type ConfigIssue, quoteList, UserError } from "../errors.js";
import { PACKAGE_ROOT, SHIPPED_WORKFLOWS_DIR } from "./package-paths.js";
import { isTargetPlaceholder, knownPlaceholders, placeholdersIn } from "./placeholders.js";
import { displayPath, loadRoleLibrary, mergeRole, type Role, type RoleLibrary } from "./roles.js";
import { type WorkflowFile, workflowFileSchema } from "./schema.js";
import { reservedPathReason, unsafePathReason } from "./workspace.js";
import { loadYaml, type PathKey, parseYaml, readConfigText, validateWith, type YamlSource } from "./yaml.js";

export type WorkflowSpec = WorkflowFile["workflow"];

/** A validated workflow with everything later stages need resolved. */
export interface LoadedWorkflow {
  name: string;
  description: string;
  file: string;
  /** sha256 of the file's text: iterations record which version produced them. */
  hash: string;
  text: string;
  spec: WorkflowSpec;
  /** Every role the workflow's agents use, library and overrides merged. */
  roles: Map<string, Role>;
  /** Role key -> absolute template path, for roles with a template of their own. */
  templates: Map<string, string>;
}

export interface WorkflowEntry {
  name: string;
  file: string;
  origin: "shipped" | "workspace";
  description: string;
}

function workspaceWorkflowDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, ".baton", "workflows");
}

/** The shipped workflows, listed once: they change only with an upgrade, which restarts the process. */
let shipped: WorkflowEntry[] | undefined;

/** Shipped workflows, then the workspace's `.baton/workflows/`, which override by name. */
export function listWorkflows(workspaceRoot?: string, describe = true): WorkflowEntry[] {
  shipped ??= entriesIn(SHIPPED_WORKFLOWS_DIR, "shipped", true);
  const byName = new Map(shipped.map((entry) => [entry.name, entry]));
  if (workspaceRoot) {
    for (const entry of entriesIn(workspaceWorkflowDir(workspaceRoot), "workspace", describe, workspaceRoot))
      byName.set(entry.name, entry);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A folder's workflow files; `describe: false` leaves descriptions empty (finding a file needs none). */
function entriesIn(
  dir: string,
  origin: WorkflowEntry["origin"],
  describe: boolean,
  workspaceRoot?: string,
): WorkflowEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .filter((entry) => /\.ya?ml$/.test(entry))
    .map((entry) => {
      const file = path.join(dir, entry);
      const name = entry.replace(/\.ya?ml$/, "");
      return { name, file, origin, description: describe ? peekDescription(file, workspaceRoot) : "" };
    });
}

const descriptions = new Map<string, { mtimeMs: number; description: string }>();

/**
 * The description without full validation, so one broken file does not hide the others in a
 * listing. Cached per file until it changes: listings happen on every status call.
 */
function peekDescription(file: string, workspaceRoot?: string): string {
  // A dangling link has no mtime; the guarded read below then names the problem.
  const mtimeMs = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const cached = descriptions.get(file);
  if (cached?.mtimeMs === mtimeMs) return cached.description;
  let description: string;
  try {
    // The same guarded, size- and anchor-bounded read as loading: a listing must not be the way round it.
    const display = displayPath(file, workspaceRoot);
    const doc = parseYaml(readConfigText(file, display, workspaceRoot), display).data as {
      workflow?: { description?: unknown };
    };
    description = typeof doc?.workflow?.description === "string" ? doc.workflow.description.trim() : "";
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    description = "(invalid: run baton check)";
  }
  descriptions.set(file, { mtimeMs, description });
  return description;
}

/**
 * Finds a workflow by name (workspace first, then shipped) or by a path ending in .yaml/.yml.
 * Paths from MCP callers must pass through Workspace.resolve first.
 */
export function findWorkflowFile(nameOrPath: string, workspaceRoot?: string): string {
  if (/\.ya?ml$/.test(nameOrPath)) {
    const file = path.resolve(workspaceRoot ?? process.cwd(), nameOrPath);
    if (!existsSync(file)) throw new UserError(`workflow file ${nameOrPath} does not exist`);
    return file;
  }
  // Names only: parsing each workspace workflow for its description cost a YAML parse per call.
  const entries = listWorkflows(workspaceRoot, false);
  const entry = entries.find((e) => e.name === nameOrPath);
  if (!entry) {
    throw new UserError(
      `unknown workflow \`${nameOrPath}\`; available workflows: ${quoteList(entries.map((e) => e.name))}`,
    );
  }
  return entry.file;
}

export function loadWorkflow(
  nameOrPath: string,
  workspaceRoot?: string,
  library?: RoleLibrary,
): LoadedWorkflow {
  const file = findWorkflowFile(nameOrPath, workspaceRoot);
  return loadWorkflowFile(file, workspaceRoot, library ?? loadRoleLibrary(workspaceRoot));
}

/**
 * Parses, schema-checks and semantically checks one workflow file; throws ConfigError with every
 * issue. `text` replaces the file's current content (a run re-reads the snapshot it started from).
 */
export function loadWorkflowFile(
  file: string,
  workspaceRoot: string | undefined,
  library: RoleLibrary,
  text?: string,
): LoadedWorkflow {
  const display = displayPath(file, workspaceRoot);
  const source = text === undefined ? loadYaml(file, display, workspaceRoot) : parseYaml(text, display);
  const parsed = validateWith(source, workflowFileSchema);
  const issues: ConfigIssue[] = [];
  const roles = resolveRoles(parsed, source, library, issues);
  checkIterations(parsed.workflow, source, roles, library, issues);
  const templates = resolveTemplates(parsed, source, roles, library, workspaceRoot, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  const content = source.text;
  return {
    name: parsed.workflow.name,
    description: parsed.workflow.description,
    file,
    hash: createHash("sha256").update(content).digest("hex"),
    text: content,
    spec: parsed.workflow,
    roles,
    templates,
  };
}

/** Library roles merged with the workflow's overrides; only roles this workflow can use. */
function resolveRoles(
  parsed: WorkflowFile,
  source: YamlSource,
  library: RoleLibrary,
  issues: ConfigIssue[],
): Map<string, Role> {
  const roles = new Map(library);
  for (const [key, override] of Object.entries(parsed.agent_roles)) {
    const broken = library.brokenReason(key);
    if (broken) {
      issues.push(source.issue(["agent_roles", key], broken, true));
      continue;
    }
    const merged = mergeRole(key, library.get(key), override, `${source.file}:agent_roles`);
    if ("missing" in merged) {
      issues.push(
        source.issue(
          ["agent_roles", key],
          `role \`${key}\` is not in the role library, so agent_roles must define it whole; missing: ${merged.missing.join(", ")}` +
            ` (library roles: ${quoteList(library.keys())})`,
          true,
        ),
      );
      continue;
    }
    roles.set(key, merged);
  }
  for (const [key, role] of Object.entries(parsed.agent_roles)) {
    const deps = role.dependencies ?? role.constraints?.dependencies ?? [];
    deps.forEach((dep, i) => {
      if (!roles.has(dep)) {
        const where = role.dependencies ? ["dependencies", i] : ["constraints", "dependencies", i];
        issues.push(
          source.issue(
            ["agent_roles", key, ...where],
            `unknown role \`${dep}\` in the dependencies of role \`${key}\`; known roles: ${quoteList(roles.keys())}`,
          ),
        );
      }
    });
  }
  return roles;
}

function checkIterations(
  spec: WorkflowSpec,
  source: YamlSource,
  roles: Map<string, Role>,
  library: RoleLibrary,
  issues: ConfigIssue[],
): void {
  const at = (p: PathKey[], message: string) => issues.push(source.issue(["workflow", ...p], message));
  const inputNames = Object.keys(spec.inputs);
  const names = spec.iterations.map((it) => it.name);
  const seen = new Set<string>();
  spec.iterations.forEach((iteration, i) => {
    if (seen.has(iteration.name)) {
      at(
        ["iterations", i, "name"],
        `duplicate iteration name \`${iteration.name}\`; iteration names must be unique`,
      );
    }
    seen.add(iteration.name);
    iteration.dependencies.forEach((dep, d) => {
      if (!names.includes(dep)) {
        at(
          ["iterations", i, "dependencies", d],
          `unknown dependency \`${dep}\` of iteration \`${iteration.name}\`; iterations: ${quoteList(names)}`,
        );
      } else if (dep === iteration.name) {
        at(["iterations", i, "dependencies", d], `iteration \`${iteration.name}\` depends on itself`);
      }
    });
    const declared = new Set<string>();
    /** Deliverable pattern -> index of the agent that writes it: two writers of one file collide. */
    const writers = new Map<string, number>();
    iteration.agents.forEach((agent, a) => {
      const agentPath = ["iterations", i, "agents", a];
      const broken = library.brokenReason(agent.role);
      if (broken && !roles.has(agent.role)) {
        at([...agentPath, "role"], broken);
      } else if (!roles.has(agent.role)) {
        at(
          [...agentPath, "role"],
          `unknown role \`${agent.role}\` in iteration \`${iteration.name}\`; known roles: ${quoteList(roles.keys())}` +
            (library.has(agent.role) ? "" : " (add it to agent_roles or to .baton/roles/)"),
        );
      }
      const hasTargets = (agent.targets?.length ?? 0) > 0;
      agent.targets?.forEach((pattern, t) => {
        checkPattern(pattern, "target pattern", [...agentPath, "targets", t], inputNames, false, at);
        checkReserved(pattern, "target pattern", [...agentPath, "targets", t], at);
      });
      agent.deliverables.forEach((pattern, d) => {
        checkReserved(pattern, "deliverable pattern", [...agentPath, "deliverables", d], at);
        const writer = writers.get(pattern);
        if (writer !== undefined && writer !== a) {
          at(
            [...agentPath, "deliverables", d],
            `deliverable \`${pattern}\` is written by two agents of iteration \`${iteration.name}\`: agent ${writer + 1} (${iteration.agents[writer]?.role}) and agent ${a + 1} (${agent.role}); give each file one writer`,
          );
        }
        writers.set(pattern, a);
        declared.add(pattern);
        checkPattern(
          pattern,
          "deliverable pattern",
          [...agentPath, "deliverables", d],
          inputNames,
          hasTargets,
          at,
        );
      });
    });
    iteration.completion_criteria.forEach((criterion, c) => {
      if (typeof criterion === "string") return;
      const critPath = ["iterations", i, "completion_criteria", c];
      if (criterion.deliverable !== undefined && !declared.has(criterion.deliverable)) {
        at(
          [...critPath, "deliverable"],
          `check refers to deliverable \`${criterion.deliverable}\`, which no agent of iteration \`${iteration.name}\` declares; declared: ${quoteList(declared)}`,
        );
      }
      if (criterion.path !== undefined) {
        checkPattern(criterion.path, "check path", [...critPath, "path"], inputNames, false, at);
      }
      if (criterion.check === "regex" && criterion.pattern !== undefined) {
        try {
          new RegExp(criterion.pattern, criterion.flags);
        } catch (error) {
          at([...critPath, "pattern"], `invalid regular expression: ${(error as Error).message}`);
        }
      }
    });
  });
  spec.context.references.forEach((ref, r) => {
    const reason = unsafePathReason(ref);
    if (reason) at(["context", "references", r], `reference \`${ref}\` ${reason}`);
  });
  const cycle = findCycle(spec.iterations.map((it) => ({ name: it.name, dependencies: it.dependencies })));
  if (cycle) {
    const index = spec.iterations.findIndex((it) => it.name === cycle[0]);
    at(["iterations", index, "dependencies"], `dependency cycle: ${cycle.join(" → ")}`);
  }
}

function checkPattern(
  pattern: string,
  what: string,
  where: PathKey[],
  inputNames: string[],
  hasTargets: boolean,
  at: (p: PathKey[], message: string) => void,
): void {
  const reason = unsafePathReason(pattern);
  if (reason) at(where, `${what} \`${pattern}\` ${reason}`);
  for (const name of placeholdersIn(pattern)) {
    const known = inputNames.includes(name) || (hasTargets && isTargetPlaceholder(name));
    if (!known) {
      const hint = !hasTargets && isTargetPlaceholder(name) ? " (target placeholders need `targets`)" : "";
      at(
        where,
        `unknown placeholder \`{${name}}\` in ${what} \`${pattern}\`${hint}; known placeholders: ${knownPlaceholders(inputNames, hasTargets).join(", ") || "(none: declare workflow.inputs or targets)"}`,
      );
    }
  }
}

function checkReserved(
  pattern: string,
  what: string,
  where: PathKey[],
  at: (p: PathKey[], message: string) => void,
): void {
  const reason = reservedPathReason(pattern);
  if (reason) at(where, `${what} \`${pattern}\` ${reason}`);
}

/** The first dependency cycle found, as a closed path (`a → b → a`), or null. */
export function findCycle(
  nodes: readonly { name: string; dependencies: readonly string[] }[],
): string[] | null {
  const deps = new Map(nodes.map((n) => [n.name, n.dependencies]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === "done") return null;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of deps.get(name) ?? []) {
      if (!deps.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, "done");
    return null;
  };
  for (const node of nodes) {
    const cycle = visit(node.name);
    if (cycle) return cycle;
  }
  return null;
}

function resolveTemplates(
  parsed: WorkflowFile,
  source: YamlSource,
  roles: Map<string, Role>,
  library: RoleLibrary,
  workspaceRoot: string | undefined,
  issues: ConfigIssue[],
): Map<string, string> {
  const templates = new Map<string, string>();
  for (const [role, template] of Object.entries(parsed.templates)) {
    if (!roles.has(role) && !library.has(role)) {
      issues.push(
        source.issue(
          ["templates", role],
          `template for unknown role \`${role}\`; known roles: ${quoteList(roles.keys())}`,
          true,
        ),
      );
    }
    const reason = unsafePathReason(template);
    if (reason) {
      issues.push(source.issue(["templates", role], `template path \`${template}\` ${reason}`));
      continue;
    }
    const candidates = [workspaceRoot, PACKAGE_ROOT].filter((d): d is string => d !== undefined);
    const found = candidates.map((d) => path.join(d, template)).find((f) => existsSync(f));
    if (!found) {
      issues.push(
        source.issue(
          ["templates", role],
          `template \`${template}\` does not exist; looked in the workspace${workspaceRoot ? "" : " (none given)"} and in Baton's shipped templates`,
        ),
      );
      continue;
    }
    // Rendering reads it through the guarded read too; refusing here names the workflow line.
    const real = realpathSync.native(found);
    const roots = [workspaceRoot, PACKAGE_ROOT]
      .filter((d): d is string => d !== undefined)
      .map((d) => realpathSync.native(d));
    if (!roots.some((r) => real === r || real.startsWith(`${r}${path.sep}`))) {
      issues.push(
        source.issue(
          ["templates", role],
          `template path \`${template}\` leaves the workspace through a symbolic link`,
        ),
      );
      continue;
    }
    templates.set(role, found);
  }
  return templates;
}
