/** Rows as the rest of Baton sees them: JSON columns parsed, snake_case kept as in the MCP contract. */

export type RunStatus = "active" | "completed" | "failed";
export type IterationState = "materialized" | "generated" | "awaiting_approval" | "passed" | "failed";
export type AssignmentState = "pending" | "claimed" | "submitted" | "passed" | "failed";

export interface RunRecord {
  id: string;
  workflow: string;
  workflow_hash: string;
  inputs: Record<string, string>;
  status: RunStatus;
  created_at: string;
}

export interface IterationRecord {
  id: string;
  run_id: string;
  seq: number;
  name: string;
  /** Workspace-relative folder. */
  path: string;
  state: IterationState;
  forced: boolean;
  /** Target globs that replace the workflow's for this iteration (`baton generate --targets`). */
  targets_override: string[] | null;
  scope_baseline: unknown;
  /** Where an isolated iteration's worktrees start and merge back (`isolation: worktree`); null otherwise. */
  isolation_branch: string | null;
  isolation_commit: string | null;
  created_at: string;
  updated_at: string;
}

/** What a new iteration is inserted with; the store sets its state and timestamps. */
export type NewIteration = Omit<IterationRecord, "state" | "created_at" | "updated_at">;

export interface TokenEstimate {
  prompt_tokens: number;
  input_tokens: number;
  output_tokens: number;
}

/** The o200k tokens of one passed deliverable, with the target it was written for (#16.2). */
export interface OutputSample {
  workflow: string;
  /** The iteration's name in the workflow: later runs of the same iteration learn from it. */
  iteration: string;
  role: string;
  assignment_id: string;
  /** The target's path, or null for an assignment without targets. */
  target: string | null;
  target_tokens: number | null;
  deliverable: string;
  tokens: number;
}

export interface RiskScore {
  score: number;
  level: "low" | "medium" | "high";
  reasons: string[];
}

export interface AssignmentRecord {
  id: string;
  iteration_id: string;
  local_id: string;
  role: string;
  targets: string[];
  deliverables: string[];
  estimate: TokenEstimate;
  risk: RiskScore;
  prompt_path: string;
  state: AssignmentState;
  agent: string | null;
  lease_expires_at: string | null;
  attempts: number;
  tokens_used: number | null;
  claimed_at: string | null;
  submitted_at: string | null;
  updated_at: string;
}

export type AssignmentProgressRow = Pick<
  AssignmentRecord,
  "id" | "local_id" | "role" | "state" | "agent" | "attempts" | "claimed_at" | "deliverables"
> & {
  /** What the last observation saw of each deliverable, in the order of `deliverables`. */
  observed: Pick<DeliverableRecord, "size" | "mtime_ms" | "last_change_at">[];
};

export type NewAssignment = Pick<
  AssignmentRecord,
  | "id"
  | "iteration_id"
  | "local_id"
  | "role"
  | "targets"
  | "deliverables"
  | "estimate"
  | "risk"
  | "prompt_path"
>;

export interface ValidationRecord {
  id: number;
  iteration_id: string;
  assignment_id: string | null;
  passed: boolean;
  report: unknown;
  created_at: string;
}

export interface EventRecord {
  id: number;
  at: string;
  kind: string;
  run_id: string | null;
  iteration_id: string | null;
  assignment_id: string | null;
  data: Record<string, unknown>;
}

/** A deliverable as it was when its iteration's assignments were made. */
export interface DeliverableBaseline {
  path: string;
  /** sha256 of the content, hex. */
  hash: string;
  mtime_ms: number;
}

export interface DeliverableRecord {
  assignment_id: string;
  path: string;
  size: number;
  mtime_ms: number | null;
  /** When a sample last saw the size or mtime change (ISO time, from the store's clock). */
  last_change_at: string | null;
}

export const FEEDBACK_CATEGORIES = [
  "token_budget",
  "scope_confusion",
  "missing_context",
  "unclear_criteria",
  "template_gap",
  "tooling",
  "other",
] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];
export type Severity = "low" | "medium" | "high";

export interface FeedbackRecord {
  id: number;
  iteration_id: string;
  assignment_id: string | null;
  role: string | null;
  category: FeedbackCategory;
  severity: Severity;
  message: string;
  tokens_used: number | null;
  created_at: string;
}

/** An assignment as feedback synthesis sees it (store: listWorkflowAssignmentFacts). */
export interface AssignmentFacts {
  id: string;
  role: string;
  /** The iteration's name in its workflow. */
  iteration: string;
  deliverables: string[];
  /** How many targets it was given. */
  targets: number;
}
