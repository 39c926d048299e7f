// What the dashboard API sends and the web view renders: types only, shared by server and browser code.

export interface RunSummary {
  id: string;
  workflow: string;
  status: "active" | "completed" | "failed";
  created_at: string;
  iterations_passed: number;
  iterations_total: number;
}

export interface AssignmentView {
  id: string;
  role: string;
  state: string;
  /** 0–1 from the deliverables' sizes on disk. */
  progress: number;
  stalled: boolean;
  agent: string | null;
  attempts: number;
  deliverables_done: number;
  deliverables_total: number;
  estimated_tokens: number | null;
  tokens_used: number | null;
}

export interface ValidationView {
  at: string;
  passed: boolean;
  failures: { assignment_id: string | null; deliverable: string | null; check: string; reason: string }[];
  rework: { assignment_id: string; attempt: number; max_attempts: number; prompt_path: string }[];
  /** Completion criteria a person checks. */
  needs_review: string[];
}

/** Operations the view offers on an iteration; "approve" and "reject" only while it awaits approval. */
export type IterationAction = "revalidate" | "approve" | "reject";

/** An approval gate (`approval: required`): not reached yet, awaiting a person, or the last decision. */
export interface ApprovalView {
  state: "required" | "awaiting" | "approved" | "rejected";
  by?: string;
  at?: string;
  notes?: string;
}

export interface IterationView {
  /** null while the workflow's iteration has not been created in this run. */
  id: string | null;
  name: string;
  goal: string;
  state: "not_created" | "materialized" | "generated" | "awaiting_approval" | "passed" | "failed";
  dependencies: string[];
  gate: { open: boolean; waiting_on: string[] };
  /** An approval gate's state; null where the iteration has none. */
  approval: ApprovalView | null;
  /** The criteria a person confirms in a review (its human completion criteria), while it awaits approval. */
  review_criteria: string[];
  progress: number;
  path: string | null;
  assignments: AssignmentView[];
  validation: ValidationView | null;
  actions: IterationAction[];
}

export interface LearningView {
  id: string;
  kind: string;
  role: string | null;
  text: string;
  enabled: boolean;
  evidence: { source: string; count: number; of: number; assignments: string[] };
}

export interface RunView {
  id: string;
  workflow: string;
  status: RunSummary["status"];
  created_at: string;
  inputs: Record<string, string>;
  iterations: IterationView[];
  learnings: LearningView[];
}
