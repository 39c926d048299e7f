import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { loadRoleLibrary, type RoleLibrary } from "../config/roles.js";
import {
  findWorkflowFile,
  type LoadedWorkflow,
  listWorkflows,
  loadWorkflowFile,
  type WorkflowEntry,
} from "../config/workflows.js";
import type { Workspace } from "../config/workspace.js";
import { UserError } from "../errors.js";
import type { Store } from "../store/api.js";
import type { RunRecord } from "../store/records.js";
import { TemplateSet } from "./render.js";

/**
 * What a workspace is configured with — workflows, the role library, templates — parsed once and
 * kept until one of the files it was read from changes. A change is noticed by a stamp: the
 * modification time and size of every file in the workspace's `.baton/roles/`, `.baton/templates/`
 * (and the workflow file itself), taken with one `stat` per file on each lookup. Shipped files are
 * part of the installed package and change only with an upgrade, which restarts the process.
 */
export class Catalog {
  private roleCache: { stamp: string; library: RoleLibrary } | undefined;
  private templateCache: { stamp: string; templates: TemplateSet } | undefined;
  private readonly byFile = new Map<string, { stamp: string; workflow: LoadedWorkflow }>();
  private readonly byHash = new Map<string, { stamp: string; workflow: LoadedWorkflow }>();

  constructor(
    private readonly workspace: Workspace,
    private readonly store: Store,
  ) {}

  /** Shipped workflows and the workspace's `.baton/workflows/` (those override by name). */
  workflows(): WorkflowEntry[] {
    return listWorkflows(this.workspace.root);
  }

  roles(): RoleLibrary {
    const stamp = stampOf([path.join(this.workspace.root, ".baton", "roles")]);
    if (this.roleCache?.stamp !== stamp) {
      this.roleCache = { stamp, library: loadRoleLibrary(this.workspace.root) };
    }
    return this.roleCache.library;
  }

  /** Shipped templates with the workspace's overrides, compiled once per version of the files. */
  templates(): TemplateSet {
    const stamp = stampOf([path.join(this.workspace.root, ".baton", "templates")]);
    if (this.templateCache?.stamp !== stamp) {
      this.templateCache = { stamp, templates: new TemplateSet(this.workspace.root) };
    }
    return this.templateCache.templates;
  }

  /** A workflow by name or workspace path (paths must stay in the workspace). */
  workflow(nameOrPath: string): LoadedWorkflow {
    if (/\.ya?ml$/.test(nameOrPath)) this.workspace.resolve(nameOrPath, "workflow path");
    return this.workflowFile(findWorkflowFile(nameOrPath, this.workspace.root));
  }

  /**
   * Workflows `workflows()` listed, without finding their files again and with one look at the
   * role files for all: get_status lists every workflow's required inputs on each call. One that
   * does not load is left out.
   */
  listed(entries: readonly WorkflowEntry[]): { entry: WorkflowEntry; workflow: LoadedWorkflow }[] {
    const library = this.roles();
    return entries.flatMap((entry) => {
      try {
        return [{ entry, workflow: this.workflowFile(entry.file, library) }];
      } catch {
        return [];
      }
    });
  }

  private workflowFile(file: string, library = this.roles()): LoadedWorkflow {
    const stamp = `${fileStamp(file)}|${this.roleCache?.stamp}`;
    const cached = this.byFile.get(file);
    if (cached?.stamp === stamp) return cached.workflow;
    const workflow = loadWorkflowFile(file, this.workspace.root, library);
    this.byFile.set(file, { stamp, workflow });
    return workflow;
  }

  /** The workflow a run started from, re-read from its stored snapshot so later edits do not change it. */
  workflowOf(run: RunRecord): LoadedWorkflow {
    const library = this.roles();
    const stamp = this.roleCache?.stamp ?? "";
    const cached = this.byHash.get(run.workflow_hash);
    if (cached?.stamp === stamp) return cached.workflow;
    const snapshot = this.store.getWorkflowSnapshot(run.workflow_hash);
    if (!snapshot) throw new UserError(`the workflow snapshot of run ${run.id} is missing from the database`);
    const workflow = loadWorkflowFile(snapshot.file, this.workspace.root, library, snapshot.snapshot);
    this.byHash.set(run.workflow_hash, { stamp, workflow });
    return workflow;
  }

  /** Keeps a workflow just stored as a run's snapshot, so the run's first lookup need not parse it again. */
  remember(workflow: LoadedWorkflow): void {
    this.byHash.set(workflow.hash, { stamp: this.roleCache?.stamp ?? "", workflow });
  }
}

function fileStamp(file: string): string {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.mtimeMs}:${stat.size}` : "-";
}

/** Name, mtime and size of every file below these folders (missing folders count as empty). */
function stampOf(dirs: readonly string[]): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else parts.push(`${full}:${fileStamp(full)}`);
    }
  };
  // Most workspaces have none of these folders: a failed listing costs an exception each call.
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return parts.join("\n");
}
