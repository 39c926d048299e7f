import type { AssignmentRecord } from "../store/records.js";

/** The shapes validation produces; feedback synthesis reads stored reports of this shape. */

export interface ValidateArgs {
  iteration_id: string;
  /** Validate only this assignment (what `submit_assignment` does); iteration-wide checks are skipped. */
  assignment_id?: string;
  /** Operator permission for `command` checks; a workflow alone never grants it. */
  allowCommands?: boolean;
}

export interface ValidationFailure {
  assignment_id: string | null;
  deliverable: string | null;
  check: string;
  reason: string;
}

export interface ReworkAssignment {
  assignment_id: string;
  role: string;
  attempt: number;
  max_attempts: number;
  prompt_path: string;
  prompt_uri: string;
}

export interface AssignmentOutcome {
  id: string;
  role: string;
  /** State after this validation. */
  state: AssignmentRecord["state"];
  passed: boolean;
  attempts: number;
  checks: number;
  failures: number;
  /** Never claimed, submitted or written: nothing was judged and its attempts are kept. */
  not_started?: true;
}

export interface ValidationReport {
  iteration_id: string;
  assignment_id: string | null;
  passed: boolean;
  /** The machine checks passed and the workflow requires a person's approval (review_iteration). */
  awaiting_approval: boolean;
  counts: { passed: number; failed: number; needs_review: number; skipped: number };
  failures: ValidationFailure[];
  needs_review: string[];
  skipped: { check: string; reason: string }[];
  assignments: AssignmentOutcome[];
  rework: ReworkAssignment[];
  /** Assignments out of attempts: the orchestrator decides (reassign, edit the workflow, accept). */
  failed_assignments: string[];
  report_path: string;
  /** Learnings that this validation's history produced (see record_feedback). */
  new_learnings: string[];
}
