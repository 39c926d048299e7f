import type { Workspace } from "../../config/workspace.js";
import type { ReadSource } from "./files.js";

export type CheckStatus = "passed" | "failed" | "skipped";

/**
 * What a failed check missed, as data, so learnings never depend on the wording of a reason. Each
 * kind fills the fields that fit it (see its file under `kinds/`): `min_bytes` sets `expected` (the
 * bytes asked for) and `found` (the size); `headings` sets `missing` (the absent headings) and
 * `found` (the headings there); a file that could not be read sets only `found: "no readable file"`.
 */
export interface Miss {
  /** What the check required: a byte count, a text, a regex, a schema, an exit code. */
  expected?: string | number;
  /** What the file (or command) had instead. */
  found?: string | number | string[];
  /** The required items that are absent. */
  missing?: string[];
  /** The line a finding is on, when there is one. */
  line?: number;
}

/** What a check kind's evaluation returns; the runner adds the check, the file and the description. */
export interface Outcome {
  status: CheckStatus;
  /** Exact, human-readable reason, e.g. `stories/US-3/requirements.md: 120 bytes, needs >= 1024`. */
  reason: string;
  /** Set on failures: what was missed, for feedback synthesis. */
  miss?: Miss;
}

/**
 * A validation's time budget for content checks (slices.ts): when it ends, how long it was, and
 * when the validation last gave the event loop a turn (its runChecks calls share that clock).
 */
export interface ContentBudget {
  until: number;
  ms: number;
  lastTurn: number;
}

/** The outcome of one check on one file (or on the workspace, for `scope` and `command`). */
export interface CheckResult extends Outcome {
  /** Check kind, or `implicit:exists`, `implicit:min_bytes`, `implicit:format` for the implicit ones. */
  check: string;
  /** Workspace-relative file the check looked at; absent for `scope` and `command`. */
  file?: string;
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
  /**
   * The assignment's working tree (a git worktree under isolation): deliverables are read and
   * `command` checks run there; the workspace itself when absent. The operator's .baton/config.yaml is always read
   * from `workspace`.
   */
  workdir?: Workspace;
  /** Operator permission to run `command` checks (`--allow-commands`, BATON_ALLOW_COMMANDS=1). */
  allowCommands: boolean;
  /** How long one `regex` check may run on one file before it fails (default 1000 ms). */
  regexTimeoutMs?: number;
  /**
   * When the content checks of this validation must stop: the checks not done by then fail with
   * "check timed out". Shared by every runChecks call of one validation (default: 10 s per call).
   */
  contentBudget?: ContentBudget;
  /** The workspace's files this validation reads ahead on a worker thread (read-ahead.ts), if any. */
  readAhead?: ReadSource;
}
