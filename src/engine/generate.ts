import path from "node:path";
import type { LoadedWorkflow } from "../config/workflows.js";
import type { IterationRecord, RunRecord } from "../store/records.js";
import { promptUri } from "../uris.js";
import { createWorktrees, dropWorktrees } from "./code/isolation.js";
import { type CreateIterationArgs, findSpec, nextReady, resolveInputs } from "./create-iteration.js";
import type { EngineContext, Progress } from "./engine.js";
import { learnedOutput } from "./estimate/output-history.js";
import { type IterationReading, iterationReading } from "./estimate/reading.js";
import { startCounting } from "./estimate/target-counts.js";
import { faultPoint } from "./fault.js";
import { indentedJsonPieces, writeFileAtomicFrom } from "./files.js";
import { recordBaselines } from "./freshness.js";
import { iterationFolder, iterationId } from "./ids.js";
import {
  type PreparedIteration,
  prepareIteration,
  renderIterationFiles,
  writeIterationFiles,
} from "./materialize.js";
import { PromptStager } from "./prompt-stager.js";
import { type PlannedAssignment, planAssignments } from "./prompts.js";
import { cleanStrayTemps, missingPrompts, refuseUnplanned } from "./recovery.js";
import { getRun, resolveIteration } from "./resolve.js";
import { loadTokenizer } from "./tokens.js";

export interface GeneratedAssignment {
  id: string;
  local_id: string;
  role: string;
  targets: string[];
  deliverables: string[];
  estimated_tokens: number;
  estimate: PlannedAssignment["estimate"];
  token_budget: number;
  risk: PlannedAssignment["risk"];
  prompt_path: string;
  prompt_uri: string;
  /** The assignment's own git worktree, workspace-relative (`isolation: worktree`). */
  workdir?: string;
}

export interface GeneratePromptsResult {
  iteration_id: string;
  dry_run: boolean;
  path: string;
  assignments: GeneratedAssignment[];
  totals: {
    assignments: number;
    targets: number;
    estimated_tokens: number;
    over_budget: number;
    high_risk: number;
  };
}

/** Allocates an iteration's targets to agents, writes their prompts and the manifest (or plans only: `dry_run`). */
export async function generatePrompts(
  ctx: EngineContext,
  args: { iteration_id: string; dry_run?: boolean },
  progress: Progress = () => {},
): Promise<GeneratePromptsResult> {
  const prepared = await prepareIteration(ctx, resolveIteration(ctx, args.iteration_id));
  return generateFor(ctx, prepared, args.dry_run ?? false, progress);
}

/**
 * What `create_iteration` + `generate_prompts` would produce, with nothing written: no run, no
 * iteration, no files (`baton generate --dry-run`).
 */
export async function previewIteration(
  ctx: EngineContext,
  args: CreateIterationArgs,
): Promise<GeneratePromptsResult & { run_id: string; iteration: string }> {
  let run: RunRecord;
  let workflow: LoadedWorkflow;
  if (args.workflow) {
    workflow = ctx.catalog.workflow(args.workflow);
    run = {
      id: `${workflow.name}-preview`,
      workflow: workflow.name,
      workflow_hash: workflow.hash,
      inputs: resolveInputs(workflow, args.inputs ?? {}),
      status: "active",
      created_at: ctx.clock.now().toISOString(),
    };
  } else {
    run = getRun(ctx, args.run_id ?? "");
    workflow = ctx.catalog.workflowOf(run);
  }
  const existing = new Map(ctx.store.listIterations(run.id).map((it) => [it.name, it]));
  const spec = args.iteration
    ? findSpec(workflow, args.iteration)
    : nextReady(workflow, existing, run.id, true);
  const seq = workflow.spec.iterations.indexOf(spec) + 1;
  const at = ctx.clock.now().toISOString();
  const iteration: IterationRecord = existing.get(spec.name) ?? {
    id: iterationId(run.id, seq),
    run_id: run.id,
    seq,
    name: spec.name,
    path: args.output?.replace(/\/+$/, "") ?? iterationFolder(run.id, seq, spec.name),
    state: "materialized",
    forced: false,
    targets_override: args.targets ?? null,
    scope_baseline: null,
    isolation_branch: null,
    isolation_commit: null,
    created_at: at,
    updated_at: at,
  };
  const prepared = await prepareIteration(ctx, { run, workflow, iteration, spec });
  const result = await generateFor(ctx, prepared, true, () => {});
  return { ...result, run_id: run.id, iteration: spec.name };
}

async function generateFor(
  ctx: EngineContext,
  prepared: PreparedIteration,
  dryRun: boolean,
  progress: Progress,
): Promise<GeneratePromptsResult> {
  const { bundle, targetsByAgent, learnings, base } = prepared;
  const { workflow, iteration, spec } = bundle;
  const promptDir = `${iteration.path}/agent-prompts`;
  // Prompts stream to temp files while they are planned (none is held); a dry run only counts them.
  let stager: PromptStager | undefined;
  let missing: Set<string> | undefined;
  // Worker threads count the targets (when there are thousands) while the files are written.
  const countText = await loadTokenizer();
  const counting = targetsByAgent.map((targets) =>
    startCounting(
      ctx.workspace,
      targets.map((t) => t.path),
      countText,
    ),
  );
  const files = renderIterationFiles(ctx, prepared);
  if (!dryRun) {
    writeIterationFiles(ctx, prepared, files);
    cleanStrayTemps(ctx.workspace.resolve(iteration.path));
    const dir = ctx.workspace.resolve(promptDir, "prompt folder");
    cleanStrayTemps(dir);
    const repair = missingPrompts(ctx, ctx.store.listAssignments(iteration.id));
    missing = repair;
    stager = new PromptStager(dir, repair && ((id) => repair.has(id)));
  }
  try {
    progress(1, 3, "allocating targets and counting tokens");
    const reading = await iterationReading(ctx.workspace, base, files.context, countText);
    const planned = await planAssignments({
      workspace: ctx.workspace,
      workflow: { ...workflow, roles: learnings.roles },
      lessons: (role, patterns) => learnings.byRole(role, patterns).map((l) => l.text),
      upstream: prepared.upstreamWork,
      reading,
      output: memoize((role) =>
        learnedOutput(ctx.store, {
          workflow: workflow.name,
          iteration: iteration.name,
          role,
          excludeIteration: iteration.id,
        }),
      ),
      spec,
      base,
      targetsByAgent,
      templates: ctx.catalog.templates(),
      history: memoize((role) =>
        ctx.store.roleHistory(
          workflow.name,
          role,
          iteration.id,
          learnings.roles.get(role)?.constraints.token_budget ?? Number.MAX_SAFE_INTEGER,
        ),
      ),
      stage: (localId, prompt) => stager?.stage(localId, prompt),
      targetCounts: (agent) => counting[agent]?.() ?? Promise.resolve([]),
    });
    // Every prompt is on disk (under its temp name) before any assignment is stored.
    await stager?.flush();
    const assignments: GeneratedAssignment[] = planned.map((a) => ({
      id: a.id,
      local_id: a.local_id,
      role: a.role,
      targets: a.targets.map((t) => t.path),
      deliverables: a.deliverables,
      estimated_tokens: a.estimated_tokens,
      estimate: a.estimate,
      token_budget: a.token_budget,
      risk: a.risk,
      prompt_path: `${promptDir}/${a.local_id}.md`,
      prompt_uri: promptUri(iteration.id, a.local_id),
      workdir: a.workdir,
    }));
    const totals = {
      assignments: assignments.length,
      targets: assignments.reduce((s, a) => s + a.targets.length, 0),
      estimated_tokens: assignments.reduce((s, a) => s + a.estimated_tokens, 0),
      over_budget: assignments.filter((a) => a.estimated_tokens > a.token_budget).length,
      high_risk: assignments.filter((a) => a.risk.level === "high").length,
    };
    progress(2, 3, "writing prompts");
    if (stager) {
      const plannedIds = new Set(planned.map((a) => a.local_id));
      if (missing) {
        // A repair: only the lost prompts are written; the assignments and their progress stay.
        refuseUnplanned(missing, plannedIds);
        stager.commit(missing, false);
      } else {
        // Worktrees before assignments: an assignment can be claimed only once its worktree exists.
        // (With work in progress replaceAssignments refuses, and no worktree may change.)
        const existing = ctx.store.listAssignments(iteration.id);
        if (!existing.some((a) => a.state !== "pending" || a.attempts > 0)) {
          await dropWorktrees(
            ctx,
            iteration,
            existing.filter((a) => !plannedIds.has(a.local_id)),
          );
          await createWorktrees(ctx, iteration, planned);
        }
        recordBaselines(
          ctx,
          iteration.id,
          assignments.flatMap((a) => a.deliverables),
        );
        ctx.store.replaceAssignments(
          iteration.id,
          assignments.map((a) => ({
            id: a.id,
            iteration_id: iteration.id,
            local_id: a.local_id,
            role: a.role,
            targets: a.targets,
            deliverables: a.deliverables,
            estimate: a.estimate,
            risk: a.risk,
            prompt_path: a.prompt_path,
          })),
        );
        faultPoint("after-assignments");
        stager.commit(plannedIds, true);
      }
      writeManifest(ctx, prepared, planned, assignments, totals, reading.missingReferences);
    }
    return { iteration_id: iteration.id, dry_run: dryRun, path: iteration.path, assignments, totals };
  } finally {
    await stager?.abort(); // after a commit nothing is left to remove
  }
}

function writeManifest(
  ctx: EngineContext,
  { bundle, learnings }: PreparedIteration,
  planned: readonly PlannedAssignment[],
  assignments: readonly GeneratedAssignment[],
  totals: GeneratePromptsResult["totals"],
  missingReferences: IterationReading["missingReferences"],
): void {
  const { run, workflow, iteration } = bundle;
  const templates = ctx.catalog.templates();
  // Written piece by piece: at 10,000 assignments the whole text is tens of megabytes.
  const manifest = {
    iteration_id: iteration.id,
    run_id: run.id,
    iteration: iteration.name,
    workflow: { name: workflow.name, hash: workflow.hash },
    inputs: run.inputs,
    templates: Object.fromEntries(
      [...new Set(planned.map((a) => a.template))].map((f) => [
        path.relative(ctx.workspace.root, f).startsWith("..") ? path.basename(f) : ctx.workspace.relative(f),
        hashText(templates.sources([f])),
      ]),
    ),
    learnings_applied: learnings.applied.map((l) => ({
      id: l.id,
      kind: l.kind,
      role: l.role ?? null,
      text: l.text,
      action: l.action ?? null,
    })),
    missing_references: missingReferences,
    assignments,
    totals,
  };
  const entry = (a: GeneratedAssignment, i: number) => ({
    ...a,
    reading: planned[i]?.reading,
    output_source: planned[i]?.output_source,
  });
  writeFileAtomicFrom(
    path.join(ctx.workspace.resolve(iteration.path), "manifest.json"),
    (function* () {
      yield* indentedJsonPieces(manifest, "assignments", entry);
      yield "\n";
    })(),
  );
  ctx.store.addEvent("prompts_generated", { run_id: run.id, iteration_id: iteration.id }, totals);
}

/** One lookup per key: planning asks for a role's history once per assignment. */
function memoize<T>(fn: (key: string) => T): (key: string) => T {
  const seen = new Map<string, T>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, fn(key));
    return seen.get(key) as T;
  };
}

function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}
