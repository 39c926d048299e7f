import type { IterationSpec } from "../config/schema.js";
import type { LoadedWorkflow } from "../config/workflows.js";
import { quoteList, UserError } from "../errors.js";
import type { IterationRecord, RunRecord } from "../store/records.js";
import { isolationBase } from "./code/worktrees.js";
import { splitCriteria } from "./criteria.js";
import type { EngineContext } from "./engine.js";
import { iterationFolder, iterationId } from "./ids.js";
import { inputTypeProblem } from "./inputs.js";
import { prepareIteration, writeIterationFiles } from "./materialize.js";
import { getRun } from "./resolve.js";
import { workflowCommandProblems } from "./validate/plan-checks.js";

export interface CreateIterationArgs {
  workflow?: string;
  run_id?: string;
  iteration?: string;
  inputs?: Record<string, string>;
  force?: boolean;
  /** Workspace-relative folder instead of `iterations/<run>/<NN>-<name>` (CLI `generate --output`). */
  output?: string;
  /** Target globs replacing those of the workflow's agents that have targets (CLI `generate --targets`). */
  targets?: string[];
  /** Each assignment in its own git worktree, whatever the workflow says (`baton orchestrate --isolate`). */
  isolate?: boolean;
}

export interface CreateIterationResult {
  run_id: string;
  iteration_id: string;
  iteration: string;
  path: string;
  targets: number;
  created: boolean;
  forced: boolean;
  /** References the workflow (or a learning) declares that are not files in the workspace. */
  missing_references: string[];
}

/** Starts a run of a workflow (or continues one) and materializes its next ready iteration's folder. */
export async function createIteration(
  ctx: EngineContext,
  args: CreateIterationArgs,
): Promise<CreateIterationResult> {
  if (!args.workflow && !args.run_id) {
    throw new UserError(
      `give \`workflow\` to start a new run or \`run_id\` to continue one; workflows: ${quoteList(ctx.catalog.workflows().map((w) => w.name))}`,
    );
  }
  if (args.workflow && args.run_id) {
    throw new UserError("give either `workflow` (a new run) or `run_id` (continue a run), not both");
  }
  let run: RunRecord;
  let workflow: LoadedWorkflow;
  if (args.workflow) {
    workflow = ctx.catalog.workflow(args.workflow);
    if (args.iteration) findSpec(workflow, args.iteration);
    // A command check naming no declared command could never pass: say so before the run starts.
    const undeclared = workflowCommandProblems(workflow.spec.iterations, ctx.workspace);
    if (undeclared.length > 0) throw new UserError(`workflow \`${workflow.name}\`: ${undeclared.join("; ")}`);
    run = startRun(ctx, workflow, args.inputs ?? {});
  } else {
    if (args.inputs && Object.keys(args.inputs).length > 0) {
      throw new UserError("`inputs` belong to a new run; a continued run keeps the inputs it started with");
    }
    run = getRun(ctx, args.run_id as string);
    workflow = ctx.catalog.workflowOf(run);
  }
  return materialize(ctx, run, workflow, args);
}

/** Records a new run of a loaded workflow, its snapshot stored so later edits cannot change it. */
export function startRun(
  ctx: EngineContext,
  workflow: LoadedWorkflow,
  given: Record<string, string>,
): RunRecord {
  const inputs = resolveInputs(workflow, given);
  ctx.store.saveWorkflow(workflow.hash, workflow.name, workflow.file, workflow.text);
  const run = ctx.store.createRun(workflow.name, workflow.hash, inputs);
  ctx.catalog.remember(workflow);
  ctx.store.addEvent("run_created", { run_id: run.id }, { workflow: workflow.name, inputs });
  return run;
}

async function materialize(
  ctx: EngineContext,
  run: RunRecord,
  workflow: LoadedWorkflow,
  args: CreateIterationArgs,
): Promise<CreateIterationResult> {
  const requested = args.iteration;
  const force = args.force ?? false;
  if (args.output !== undefined) ctx.workspace.resolveForAgents(args.output, "output folder");
  for (const pattern of args.targets ?? []) ctx.workspace.resolveForAgents(pattern, "target pattern");
  const existing = new Map(ctx.store.listIterations(run.id).map((it) => [it.name, it]));
  const spec = requested ? findSpec(workflow, requested) : nextReady(workflow, existing, run.id);
  const seq = workflow.spec.iterations.indexOf(spec) + 1;
  const unmet = spec.dependencies.filter((dep) => existing.get(dep)?.state !== "passed");
  if (unmet.length > 0 && !force) {
    const states = unmet.map((d) => `\`${d}\` (${existing.get(d)?.state ?? "not created"})`).join(", ");
    throw new UserError(
      `iteration \`${spec.name}\` of run ${run.id} waits for dependencies that have not passed validation: ${states}. ` +
        `${approvalHint(unmet, existing)}Validate them with validate_iteration, or pass \`force: true\` to create it anyway (recorded in the event log).`,
    );
  }
  let iteration = existing.get(spec.name);
  const created = !iteration;
  if (!iteration) {
    const id = iterationId(run.id, seq);
    const isolation =
      spec.isolation === "worktree" || args.isolate ? await isolationBase(ctx.workspace.root) : null;
    ctx.store.insertIteration({
      id,
      run_id: run.id,
      seq,
      name: spec.name,
      path: args.output?.replace(/\/+$/, "").replace(/^\.\//, "") ?? iterationFolder(run.id, seq, spec.name),
      forced: unmet.length > 0,
      targets_override: args.targets ?? null,
      // Only a `scope` check needs the picture of the workspace; it is loaded on first use.
      scope_baseline: splitCriteria(spec.completion_criteria).checks.some((c) => c.check === "scope")
        ? await (await import("./validate/scope.js")).takeScopeBaseline(ctx.workspace)
        : null,
      isolation_branch: isolation?.branch ?? null,
      isolation_commit: isolation?.commit ?? null,
    });
    iteration = ctx.store.getIteration(id) as IterationRecord;
    ctx.store.addEvent("iteration_created", { run_id: run.id, iteration_id: id }, { name: spec.name });
  }
  if (unmet.length > 0) {
    ctx.store.addEvent(
      "gate_forced",
      { run_id: run.id, iteration_id: iteration.id },
      { unmet: unmet.map((d) => ({ iteration: d, state: existing.get(d)?.state ?? "not created" })) },
    );
  }
  const prepared = await prepareIteration(ctx, { run, workflow, iteration, spec });
  writeIterationFiles(ctx, prepared);
  return {
    run_id: run.id,
    iteration_id: iteration.id,
    iteration: spec.name,
    path: iteration.path,
    targets: prepared.targetsByAgent.flat().length,
    created,
    forced: unmet.length > 0,
    missing_references: prepared.missingReferences,
  };
}

export function findSpec(workflow: LoadedWorkflow, name: string): IterationSpec {
  const spec = workflow.spec.iterations.find((it) => it.name === name);
  if (!spec) {
    throw new UserError(
      `workflow \`${workflow.name}\` has no iteration \`${name}\`; iterations: ${quoteList(workflow.spec.iterations.map((it) => it.name))}`,
    );
  }
  return spec;
}

/** The first iteration, in workflow order, not yet created whose dependencies have all passed. */
export function nextReady(
  workflow: LoadedWorkflow,
  existing: Map<string, IterationRecord>,
  runId: string,
  ignoreGate = false,
): IterationSpec {
  const pending = workflow.spec.iterations.filter((it) => !existing.has(it.name));
  if (pending.length === 0) {
    throw new UserError(
      `every iteration of run ${runId} has been created; name one with \`iteration\` to refresh its files, or start a new run with \`workflow\``,
    );
  }
  const ready = ignoreGate
    ? pending[0]
    : pending.find((it) => it.dependencies.every((d) => existing.get(d)?.state === "passed"));
  if (ready) return ready;
  const waiting = pending
    .map(
      (it) =>
        `\`${it.name}\` waits for ${it.dependencies
          .filter((d) => existing.get(d)?.state !== "passed")
          .map((d) => `\`${d}\` (${existing.get(d)?.state ?? "not created"})`)
          .join(", ")}`,
    )
    .join("; ");
  throw new UserError(
    `no iteration of run ${runId} is ready: ${waiting}. ${approvalHint(
      pending.flatMap((it) => it.dependencies),
      existing,
    )}Validate the iterations they wait for with validate_iteration, or name one with \`iteration\` and \`force: true\`.`,
  );
}

/** Names the dependencies that only wait for a person, and how to approve them. */
function approvalHint(deps: readonly string[], existing: Map<string, IterationRecord>): string {
  const waiting = [...new Set(deps)].flatMap((d) => {
    const it = existing.get(d);
    return it?.state === "awaiting_approval" ? [it.id] : [];
  });
  return waiting.length === 0
    ? ""
    : `${waiting.map((id) => `\`${id}\``).join(", ")} passed its checks and awaits a person's approval: review_iteration {"iteration_id": "${waiting[0]}", "decision": "approve"} (CLI: baton review ${waiting[0]} --approve). `;
}

/** The required inputs of a workflow that `given` lacks and no default fills: what to ask a person for. */
export function missingInputs(
  ctx: EngineContext,
  workflowName: string,
  given: Record<string, string>,
): { name: string; description: string }[] {
  return Object.entries(ctx.catalog.workflow(workflowName).spec.inputs)
    .filter(([name, spec]) => spec.required && given[name] === undefined && spec.default === undefined)
    .map(([name, spec]) => ({ name, description: spec.description }));
}

/** Checks run inputs against the workflow's declarations and fills defaults. */
export function resolveInputs(
  workflow: LoadedWorkflow,
  given: Record<string, string>,
): Record<string, string> {
  const declared = workflow.spec.inputs;
  const unknown = Object.keys(given).filter((k) => !(k in declared));
  if (unknown.length > 0) {
    throw new UserError(
      `workflow \`${workflow.name}\` has no input ${quoteList(unknown)}; its inputs: ${quoteList(Object.keys(declared))}`,
    );
  }
  const inputs: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name] ?? spec.default;
    if (value === undefined) {
      if (spec.required) missing.push(`\`${name}\` (${spec.description})`);
      continue;
    }
    const typeProblem = inputTypeProblem(spec.type, value);
    if (typeProblem) throw new UserError(`input \`${name}\` = \`${value}\` ${typeProblem}`);
    const isPath = spec.type === "file" || spec.type === "folder";
    if (!isPath && /[/\\]|\.\./.test(value) && workflowUsesInPath(workflow, name)) {
      throw new UserError(
        `input \`${name}\` = \`${value}\` is used in file paths and may not contain \`/\`, \`\\\` or \`..\`; declare it \`type: file\` or \`type: folder\` for a path`,
      );
    }
    inputs[name] = value;
  }
  if (missing.length > 0) {
    throw new UserError(
      `workflow \`${workflow.name}\` needs input ${missing.join(", ")}; pass them in \`inputs\``,
    );
  }
  return inputs;
}

function workflowUsesInPath(workflow: LoadedWorkflow, input: string): boolean {
  const token = `{${input}}`;
  return workflow.spec.iterations.some(
    (it) =>
      it.agents.some((a) => [...a.deliverables, ...(a.targets ?? [])].some((p) => p.includes(token))) ||
      splitCriteria(it.completion_criteria).checks.some((c) => c.path?.includes(token)),
  );
}
