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

/** A size/mtime picture of files, keyed by workspace-relative path with forward slashes. */
export type FileSnapshot = Record<string, { size: number; mtimeMs: number }>;

/**
 * What the workspace looked like when an iteration was materialized. In a git repository: HEAD,
 * plus the size/mtime of the files that were already changed or untracked then (so that work in
 * progress before the iteration is not blamed on it). Elsewhere: a size/mtime snapshot of every file.
 */
export type ScopeBaseline =
  | { kind: "git"; commit: string; dirty?: FileSnapshot }
  | { kind: "snapshot"; files: FileSnapshot };

export interface CheckContext {
  workspace: Workspace;
  /** Workspace-relative paths this iteration (or assignment) declares as deliverables. */
  declaredDeliverables: ReadonlySet<string>;
  /** Scope baseline taken by `takeScopeBaseline` at materialization; without it `scope` is skipped. */
  scopeBaseline?: ScopeBaseline;
  /** Paths (workspace-relative prefixes) the scope check ignores: the iteration folder, .baton/. */
  scopeIgnore: readonly string[];
  /** Operator permission to run `command` checks (`--allow-commands` or server config). */
  allowCommands: boolean;
  /** How long one `regex` check may run on one file before it fails (default 1000 ms). */
  regexTimeoutMs?: number;
}

/** A machine check whose `deliverable` pattern has already been expanded to one concrete file. */
export type ConcreteCheck = Check & { file?: string };

export type { Check };
