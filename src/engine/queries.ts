import { existsSync } from "node:fs";
import path from "node:path";
import type { Role } from "../config/roles.js";
import type { WorkflowEntry } from "../config/workflows.js";
import { readConfigText } from "../config/yaml.js";
import { quoteList, UserError } from "../errors.js";
import type {
  AssignmentRecord,
  EventRecord,
  IterationRecord,
  RunRecord,
  ValidationRecord,
} from "../store/records.js";
import type { EngineContext } from "./engine.js";
import { learningsFile } from "./learnings.js";
import { resolveIteration } from "./resolve.js";

/**
 * What readers outside the engine — resources, live updates, CLI commands — may ask. They call
 * these and never the store, so the store's interface can change (or gain a backend) behind them.
 */

export function listWorkflows(ctx: EngineContext): WorkflowEntry[] {
  return ctx.catalog.workflows();
}

/** A workflow a new run can start, with the inputs it must be given (those required and without a default). */
export interface WorkflowStart {
  name: string;
  required: string[];
}

/** The workflows that load, for "start a run" suggestions: a broken one would only fail the call. */
export function workflowStarts(ctx: EngineContext): WorkflowStart[] {
  return ctx.catalog.listed(ctx.catalog.workflows()).map(({ entry, workflow }) => ({
    name: entry.name,
    required: Object.entries(workflow.spec.inputs)
      .filter(([, i]) => i.required && i.default === undefined)
      .map(([n]) => n),
  }));
}

export function listRoles(ctx: EngineContext): Role[] {
  return [...ctx.catalog.roles().values()];
}

/** Why a role cannot be used (its file has errors), or undefined when it can. */
export function brokenRoleReason(ctx: EngineContext, key: string): string | undefined {
  return ctx.catalog.roles().brokenReason(key);
}

export function listRuns(ctx: EngineContext): RunRecord[] {
  return ctx.store.listRuns();
}

export function runExists(ctx: EngineContext, runId: string): boolean {
  return ctx.store.getRun(runId) !== undefined;
}

/** Every iteration of the workspace, or of one run. */
export function listIterations(ctx: EngineContext, runId?: string): IterationRecord[] {
  return ctx.store.listIterations(runId);
}

export function listAssignments(ctx: EngineContext, iteration: IterationRecord): AssignmentRecord[] {
  return ctx.store.listAssignments(iteration.id);
}

/** Iterations whose folder holds `file` now (a resource list shows only files that exist). */
export function iterationsWithFile(ctx: EngineContext, file: string): IterationRecord[] {
  return ctx.store.listIterations().filter((it) => existsSync(path.join(ctx.workspace.root, it.path, file)));
}

/** The newest validation report of an iteration, if it was ever validated. */
export function latestValidation(ctx: EngineContext, iterationId: string): ValidationRecord | undefined {
  return ctx.store.latestValidation(iterationId);
}

/** The id of the newest event, so a watcher reads only what comes after it. */
export function lastEventId(ctx: EngineContext): number {
  return ctx.store.listEvents().at(-1)?.id ?? 0;
}

export function eventsAfter(ctx: EngineContext, id: number): EventRecord[] {
  return ctx.store.listEvents({ after_id: id });
}

const NOT_YET: Record<string, string> = {
  "manifest.json": "; call generate_prompts first",
  "VALIDATION.md": "; call validate_iteration first",
  "FEEDBACK.md": "; it is written by validate_iteration and record_feedback",
};

/** A file of an iteration's folder, read through the workspace; a clear error when it is not written yet. */
export function readIterationFile(ctx: EngineContext, iterationId: string, file: string): string {
  return readFileOf(ctx, resolveIteration(ctx, iterationId).iteration, file);
}

function readFileOf(ctx: EngineContext, iteration: IterationRecord, file: string): string {
  const absolute = path.join(ctx.workspace.resolve(iteration.path), file);
  if (!existsSync(absolute)) {
    throw new UserError(`${iteration.path}/${file} does not exist yet${NOT_YET[file] ?? ""}`);
  }
  return ctx.workspace.readText(`${iteration.path}/${file}`);
}

/** An assignment's prompt (`developer-01`) or one of its rework prompts (`developer-01-rework-2`). */
export function readPrompt(ctx: EngineContext, iterationId: string, name: string): string {
  const { iteration } = resolveIteration(ctx, iterationId);
  const assignments = ctx.store.listAssignments(iteration.id);
  const local = name.replace(/\.md$/, "");
  const base = local.replace(/-rework-\d+$/, "");
  if (!assignments.some((a) => a.local_id === base)) {
    throw new UserError(
      `iteration ${iteration.id} has no assignment \`${local}\`; assignments: ${quoteList(assignments.map((a) => a.local_id))}`,
    );
  }
  return readFileOf(ctx, iteration, `agent-prompts/${local}.md`);
}

/** The rework prompts written for an assignment (`developer-01-rework-1`, …), oldest first. */
export function reworkPrompts(ctx: EngineContext, iteration: IterationRecord, a: AssignmentRecord): string[] {
  const names: string[] = [];
  for (let n = 1; n <= a.attempts; n++) {
    const name = `${a.local_id}-rework-${n}`;
    if (existsSync(path.join(ctx.workspace.root, iteration.path, "agent-prompts", `${name}.md`)))
      names.push(name);
  }
  return names;
}

/** The learnings file of a workflow, or undefined before the first synthesis wrote one. */
export function readLearningsFile(ctx: EngineContext, workflow: string): string | undefined {
  const names = listWorkflows(ctx).map((w) => w.name);
  if (!names.includes(workflow)) {
    throw new UserError(`unknown workflow \`${workflow}\`; available: ${quoteList(names)}`);
  }
  const file = learningsFile(ctx.workspace.root, workflow);
  return existsSync(file)
    ? readConfigText(file, ctx.workspace.relative(file), ctx.workspace.root)
    : undefined;
}

export function hasLearnings(ctx: EngineContext, workflow: string): boolean {
  return existsSync(learningsFile(ctx.workspace.root, workflow));
}
