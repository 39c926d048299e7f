// The dashboard's only door into the engine: every read and every action of the web view and its
// API goes through this module, so an engine redesign changes this file and nothing else here.
import type { EngineContext as Engine } from "../engine/engine.js";
import { type Learning, learningsFile, readLearnings, writeLearnings } from "../engine/learnings.js";
import { LiveMonitor } from "../engine/monitor.js";
import {
  eventsAfter,
  lastEventId,
  latestValidation,
  listAssignments,
  listIterations,
  listRuns as listRunRecords,
  listWorkflows,
} from "../engine/queries.js";
import { getRun } from "../engine/resolve.js";
import {
  type CriterionReview,
  listReviews,
  type ReviewDecision,
  reviewCriteria,
  reviewIteration,
} from "../engine/review.js";
import { getStatus } from "../engine/status.js";
import { validateIteration } from "../engine/validation.js";
import type { ValidationReport } from "../engine/validation-report.js";
import { UserError } from "../errors.js";
import type {
  ApprovalView,
  AssignmentView,
  IterationAction,
  IterationView,
  LearningView,
  RunSummary,
  RunView,
  ValidationView,
} from "./view-types.js";

/** Runs, newest first, with their iterations' overall progress. */
export function listRuns(engine: Engine): RunSummary[] {
  const runs = listRunRecords(engine);
  return runs
    .map((run): RunSummary => {
      const iterations = listIterations(engine, run.id);
      const total = engine.catalog.workflowOf(run).spec.iterations.length;
      return {
        id: run.id,
        workflow: run.workflow,
        status: run.status,
        created_at: run.created_at,
        iterations_passed: iterations.filter((it) => it.state === "passed").length,
        iterations_total: total,
      };
    })
    .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
}

/** One run: its iteration graph (created or not), each iteration's assignments, validation and learnings. */
export function runView(engine: Engine, runId: string): RunView {
  const run = getRun(engine, runId);
  const workflow = engine.catalog.workflowOf(run);
  const status = getStatus(engine, { run_id: run.id }).runs[0];
  const records = new Map(listIterations(engine, run.id).map((it) => [it.name, it]));
  const observed = new Map((status?.iterations ?? []).map((it) => [it.name, it]));
  const passed = new Set([...records.values()].filter((it) => it.state === "passed").map((it) => it.name));
  const iterations = workflow.spec.iterations.map((spec): IterationView => {
    const record = records.get(spec.name);
    const seen = observed.get(spec.name);
    const waiting = spec.dependencies.filter((d) => !passed.has(d));
    const stored = new Map(record ? listAssignments(engine, record).map((a) => [a.id, a]) : []);
    const assignments = (seen?.assignments ?? []).map((a): AssignmentView => {
      const row = stored.get(a.id);
      const estimate = row?.estimate;
      return {
        id: a.id,
        role: a.role,
        state: a.state,
        progress: a.progress,
        stalled: a.stalled,
        agent: a.agent,
        attempts: a.attempts,
        deliverables_done: a.deliverables_done,
        deliverables_total: a.deliverables_total,
        estimated_tokens: estimate
          ? estimate.prompt_tokens + estimate.input_tokens + estimate.output_tokens
          : null,
        tokens_used: row?.tokens_used ?? null,
      };
    });
    return {
      id: record?.id ?? null,
      name: spec.name,
      goal: spec.goal,
      state: record?.state ?? "not_created",
      dependencies: spec.dependencies,
      gate: waiting.length === 0 ? { open: true, waiting_on: [] } : { open: false, waiting_on: waiting },
      approval: spec.approval === "required" ? approvalOf(engine, record) : null,
      review_criteria:
        record?.state === "awaiting_approval" ? reviewCriteria(engine, record.id).criteria : [],
      progress: seen?.progress ?? (record?.state === "passed" ? 1 : 0),
      path: record?.path ?? null,
      assignments,
      validation: record ? validationOf(engine, record.id) : null,
      actions: actionsOf(record?.state),
    };
  });
  return {
    id: run.id,
    workflow: run.workflow,
    status: run.status,
    created_at: run.created_at,
    inputs: run.inputs,
    iterations,
    learnings: learningsOf(engine, run.workflow),
  };
}

function actionsOf(state: string | undefined): IterationAction[] {
  if (state === undefined || state === "materialized") return [];
  return state === "awaiting_approval" ? ["approve", "reject", "revalidate"] : ["revalidate"];
}

/** Where a gated iteration stands: awaiting a person now, else the last review (kept in the event log). */
function approvalOf(engine: Engine, record: { id: string; state: string } | undefined): ApprovalView {
  if (record?.state === "awaiting_approval") return { state: "awaiting" };
  const last = record ? listReviews(engine, record.id).at(-1) : undefined;
  if (!last) return { state: "required" };
  return {
    state: last.decision === "approve" ? "approved" : "rejected",
    by: last.reviewer,
    at: last.at,
    ...(last.notes ? { notes: last.notes } : {}),
  };
}

function validationOf(engine: Engine, iterationId: string): ValidationView | null {
  const latest = latestValidation(engine, iterationId);
  if (!latest) return null;
  const report = latest.report as Partial<ValidationReport>;
  return {
    at: latest.created_at,
    passed: latest.passed,
    failures: (report.failures ?? []).map((f) => ({
      assignment_id: f.assignment_id,
      deliverable: f.deliverable,
      check: f.check,
      reason: f.reason,
    })),
    rework: (report.rework ?? []).map((r) => ({
      assignment_id: r.assignment_id,
      attempt: r.attempt,
      max_attempts: r.max_attempts,
      prompt_path: r.prompt_path,
    })),
    needs_review: report.needs_review ?? [],
  };
}

function learningsOf(engine: Engine, workflow: string): LearningView[] {
  let learnings: Learning[];
  try {
    learnings = readLearnings(engine.workspace.root, workflow);
  } catch {
    // A person's broken edit is reported by the tools that apply learnings; the view just shows none.
    return [];
  }
  return learnings.map((l) => ({
    id: l.id,
    kind: l.kind,
    role: l.role ?? null,
    text: l.text,
    enabled: l.enabled,
    evidence: { ...l.evidence },
  }));
}

/** Re-runs an iteration's checks: the operation behind the validate_iteration tool. */
export async function revalidate(
  engine: Engine,
  iterationId: string,
): Promise<{ passed: boolean; failed: number }> {
  const report = await validateIteration(engine, { iteration_id: iterationId });
  return { passed: report.passed, failed: report.counts.failed };
}

/**
 * A person's approval or rejection of an iteration awaiting approval: the operation behind the
 * review_iteration tool and `baton review` (a rejection sends every assignment to rework).
 */
export function review(
  engine: Engine,
  iterationId: string,
  args: { decision: ReviewDecision; reviewer?: string; notes?: string; criteria?: CriterionReview[] },
): { decision: ReviewDecision; state: string; reviewer: string; rework: number } {
  const result = reviewIteration(engine, { iteration_id: iterationId, ...args });
  return {
    decision: result.decision,
    state: result.state,
    reviewer: result.reviewer,
    rework: result.rework.length,
  };
}

/**
 * Turns a learning on or off the way a person does by hand: `enabled` in the learnings file, which
 * synthesis always keeps as the person left it.
 */
export function setLearningEnabled(engine: Engine, workflow: string, id: string, enabled: boolean): void {
  const known = listWorkflows(engine).map((w) => w.name);
  if (!known.includes(workflow)) throw new UserError(`unknown workflow \`${workflow}\``);
  const learnings = readLearnings(engine.workspace.root, workflow);
  const target = learnings.find((l) => l.id === id);
  if (!target) throw new UserError(`workflow ${workflow} has no learning \`${id}\``);
  if (target.enabled === enabled) return;
  writeLearnings(
    engine.workspace.root,
    workflow,
    learnings.map((l) => (l.id === id ? { ...l, enabled } : l)),
  );
}

/**
 * Notices changes made by any process sharing the workspace: deliverable writes (through the live
 * monitor), state changes (the store's event log) and edits of learnings files.
 */
export class ChangeWatch {
  private readonly monitor: LiveMonitor;
  private lastEvent: number;
  private learningStamps = "";

  constructor(private readonly engine: Engine) {
    this.monitor = new LiveMonitor(engine);
    this.lastEvent = lastEventId(engine);
    this.learningStamps = this.stamps();
  }

  /** Whether anything changed since the previous look. */
  changed(): boolean {
    let changed = this.monitor.tick().length > 0;
    const last = eventsAfter(this.engine, this.lastEvent).at(-1)?.id;
    if (last !== undefined) {
      this.lastEvent = last;
      changed = true;
    }
    const stamps = this.stamps();
    if (stamps !== this.learningStamps) {
      this.learningStamps = stamps;
      changed = true;
    }
    return changed;
  }

  private stamps(): string {
    const workflows = new Set(listRunRecords(this.engine).map((r) => r.workflow));
    return [...workflows]
      .map((w) => {
        const file = learningsFile(this.engine.workspace.root, w);
        const stat = this.engine.workspace.statFile(this.engine.workspace.relative(file));
        return `${w}:${stat ? `${stat.size}:${stat.mtimeMs}` : "-"}`;
      })
      .join("|");
  }
}
