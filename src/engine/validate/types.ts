import type { Check } from "../../config/schema.js";
import type { Workspace } from "../../config/workspace.js";

export type CheckStatus = "passed" | "failed" | "skipped";

/** The outcome of one check on one file (or on the workspace, for `scope` and `command`). */
export interface CheckResult {
  /** Check kind, or `implicit:exists`, `implicit:min_bytes`, `implicit:format` for the implicit ones. */
  check: string;
  /** Workspace-relative file the check looked at; absent for `scope` and `command`. */
  file?: string;
  status: CheckStatus;
  /** Exact, human-readable reason, e.g. `stories/US-3/requirements.md: 120 bytes, needs >= 1024`. */
  reason: string;
  /** The check's own description from the workflow, when it had one. */
  description?: string;
}

/** A size/mtime picture of the workspace taken when an iteration was materialized (non-git scope). */
export type FileSnapshot = Record<string, { size: number; mtimeMs: number }>;

export interface CheckContext {
  workspace: Workspace;
  /** Workspace-relative paths this iteration (or assignment) declares as deliverables. */
  declaredDeliverables: ReadonlySet<string>;
  /** Scope baseline: the git commit (HEAD at materialization) or the file snapshot. */
  scopeBaseline?:
    | { kind: "git"; commit: string; dirty: FileSnapshot }
    | { kind: "snapshot"; files: FileSnapshot };
  /** Paths (workspace-relative prefixes) the scope check ignores: the iteration folder, .baton/. */
  scopeIgnore: readonly string[];
  /** Operator permission to run `command` checks (`--allow-commands` or server config). */
  allowCommands: boolean;
}

/** A machine check whose `deliverable` pattern has already been expanded to one concrete file. */
export type ConcreteCheck = Check & { file?: string };

export type { Check };
