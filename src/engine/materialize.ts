import path from "node:path";
import { fillPattern } from "../config/placeholders.js";
import type { IterationSpec } from "../config/schema.js";
import type { LoadedWorkflow } from "../config/workflows.js";
import { type BaseContext, baseContext, iterationFilesContext, type UpstreamIteration } from "./context.js";
import type { EngineContext } from "./engine.js";
import { missingFiles } from "./estimate/reading.js";
import { prepareCounting } from "./estimate/target-counts.js";
import { writeFileAtomic } from "./files.js";
import { type AppliedLearnings, applyLearnings, readLearnings } from "./learnings.js";
import { ancestorsOf, perTarget, type UpstreamWork, upstreamFor } from "./prompt-parts.js";
import { TEMPLATE_NAMES } from "./render.js";
import type { IterationBundle } from "./resolve.js";
import { checkDeliverableCollisions, resolveTargets, type Target } from "./targets.js";
import { DEFAULT_MIN_BYTES } from "./validate/size.js";

/** An iteration with everything its files and prompts are rendered from, computed once per call. */
export interface PreparedIteration {
  bundle: IterationBundle;
  targetsByAgent: Target[][];
  upstream: UpstreamIteration[];
  learnings: AppliedLearnings;
  base: BaseContext;
  /** Declared references (workflow or learnings) that are not files in the workspace. */
  missingReferences: string[];
  /** What an assignment with these targets builds on: the iteration's ancestors in the workflow's graph. */
  upstreamWork: (targets: readonly { path: string; id: string }[]) => UpstreamWork[];
}

export async function prepareIteration(
  ctx: EngineContext,
  bundle: IterationBundle,
): Promise<PreparedIteration> {
  const { run, workflow, iteration, spec } = bundle;
  const targetsByAgent = await resolveAgentTargets(ctx, bundle);
  // Counting threads start loading now: prompts are generated next (or in the following call).
  prepareCounting(Math.max(0, ...targetsByAgent.map((t) => t.length)));
  const upstream = upstreamOf(ctx, bundle);
  const learnings = learningsFor(ctx, workflow, spec);
  const base = baseContext(workflow, run, iteration, spec, upstream, learnings);
  const ancestors = ancestorsOf(workflow, spec);
  const recorded = new Map(upstream.map((u) => [u.name, u.deliverables]));
  const upstreamWork = (targets: readonly { path: string; id: string }[]) =>
    upstreamFor(ancestors, run.inputs, targets, (name) => recorded.get(name) ?? []);
  const missingReferences = missingFiles(ctx.workspace, base.context.references);
  return { bundle, targetsByAgent, upstream, learnings, base, missingReferences, upstreamWork };
}

/** Writes CONTEXT.md, COMPLETION_CRITERIA.md and README.md. */
export function writeIterationFiles(
  ctx: EngineContext,
  prepared: PreparedIteration,
  files = renderIterationFiles(ctx, prepared),
): void {
  const folder = ctx.workspace.resolve(prepared.bundle.iteration.path, "iteration folder");
  writeFileAtomic(path.join(folder, "CONTEXT.md"), files.context);
  writeFileAtomic(path.join(folder, "COMPLETION_CRITERIA.md"), files.criteria);
  writeFileAtomic(path.join(folder, "README.md"), files.readme);
}

/** CONTEXT.md, COMPLETION_CRITERIA.md and README.md as they are written (reading counts CONTEXT.md). */
export function renderIterationFiles(
  ctx: EngineContext,
  prepared: PreparedIteration,
): { context: string; criteria: string; readme: string } {
  const { bundle, targetsByAgent, upstream, base } = prepared;
  const { run, spec } = bundle;
  const templates = ctx.catalog.templates();
  const deliverables = spec.agents.flatMap((agent, i) => {
    const targets = targetsByAgent[i] ?? [];
    const fill = (target?: Target) =>
      agent.deliverables.map((p) => fillPattern(p, { inputs: run.inputs, target }));
    return agent.targets?.length ? targets.flatMap((t) => fill(t)) : fill();
  });
  const context = {
    ...iterationFilesContext(base, spec, targetsByAgent.flat(), deliverables, upstream, DEFAULT_MIN_BYTES),
    missing_references: prepared.missingReferences,
  };
  return {
    context: templates.render(TEMPLATE_NAMES.context, context),
    criteria: templates.render(TEMPLATE_NAMES.criteria, context),
    readme: templates.render(TEMPLATE_NAMES.readme, context),
  };
}

/** Each agent's targets, with the iteration's target override applied to agents that have targets. */
async function resolveAgentTargets(
  ctx: EngineContext,
  { run, iteration, spec }: IterationBundle,
): Promise<Target[][]> {
  const targets = await Promise.all(
    spec.agents.map((agent) => {
      const patterns = agent.targets?.length ? (iteration.targets_override ?? agent.targets) : [];
      return resolveTargets(ctx.workspace, patterns, run.inputs);
    }),
  );
  checkDeliverableCollisions(spec.agents, targets, run.inputs);
  return targets;
}

/**
 * The iterations this one builds on (its dependencies and theirs) with their deliverables: as
 * recorded when they ran, else their patterns filled with the run inputs (per-target ones are
 * known only once they ran).
 */
function upstreamOf(ctx: EngineContext, { run, workflow, spec }: IterationBundle): UpstreamIteration[] {
  const byName = new Map(ctx.store.listIterations(run.id).map((it) => [it.name, it]));
  return ancestorsOf(workflow, spec).map((depSpec) => {
    const dep = byName.get(depSpec.name);
    const recorded = dep ? ctx.store.listAssignments(dep.id).flatMap((a) => a.deliverables) : [];
    const planned = depSpec.agents
      .flatMap((a) => a.deliverables)
      .filter((p) => !perTarget(p))
      .map((p) => fillPattern(p, { inputs: run.inputs }));
    return {
      name: depSpec.name,
      goal: depSpec.goal,
      state: dep?.state ?? "not created",
      deliverables: recorded.length > 0 ? recorded : planned,
    };
  });
}

/** The enabled learnings of a workflow that concern an iteration's agents (`.baton/learnings/`). */
function learningsFor(ctx: EngineContext, workflow: LoadedWorkflow, spec: IterationSpec): AppliedLearnings {
  return applyLearnings(readLearnings(ctx.workspace.root, workflow.name), workflow, spec.agents);
}
