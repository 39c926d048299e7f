import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fillPattern } from "../config/placeholders.js";
import { loadRoleLibrary } from "../config/roles.js";
import type { IterationSpec } from "../config/schema.js";
import { type LoadedWorkflow, listWorkflows, loadWorkflow, loadWorkflowFile } from "../config/workflows.js";
import type { Workspace } from "../config/workspace.js";
import { quoteList, UserError } from "../errors.js";
import type { Store } from "../store/api.js";
import type { IterationRecord, RunRecord } from "../store/records.js";
import { type BaseContext, baseContext, iterationFilesContext, type UpstreamIteration } from "./context.js";
import { splitCriteria } from "./criteria.js";
import { writeFileAtomic } from "./files.js";
import { iterationFolder, iterationId, promptUri } from "./ids.js";
import { type AppliedLearnings, applyLearnings, readLearnings } from "./learnings.js";
import { type PlannedAssignment, planAssignments } from "./prompts.js";
import { TEMPLATE_NAMES, TemplateSet } from "./render.js";
import { resolveTargets, type Target } from "./targets.js";
import { DEFAULT_MIN_BYTES } from "./validate/size.js";
import type { ValidateArgs, ValidationReport } from "./validation.js";

/** Reports how far a long operation got (MCP progress notifications, CLI progress bars). */
export type Progress = (done: number, total: number, message?: string) => void;

export interface EngineDeps {
  workspace: Workspace;
  store: Store;
  /** Operator permission for `command` checks (`--allow-commands`); never granted by a workflow. */
  allowCommands?: boolean;
}

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
}

export interface CreateIterationResult {
  run_id: string;
  iteration_id: string;
  iteration: string;
  path: string;
  targets: number;
  created: boolean;
  forced: boolean;
  next: string;
}

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
  next: string;
}

/** The run, its workflow and the iteration's spec, looked up together. */
export interface IterationBundle {
  run: RunRecord;
  workflow: LoadedWorkflow;
  iteration: IterationRecord;
  spec: IterationSpec;
}

/**
 * Baton's domain operations: runs, iterations and their folders, prompts. No MCP types here; the
 * MCP tools and the CLI call the same methods.
 */
export class Engine {
  readonly workspace: Workspace;
  readonly store: Store;
  readonly allowCommands: boolean;
  private readonly workflows = new Map<string, LoadedWorkflow>();

  constructor(deps: EngineDeps) {
    this.workspace = deps.workspace;
    this.store = deps.store;
    this.allowCommands = deps.allowCommands ?? false;
  }

  listWorkflows() {
    return listWorkflows(this.workspace.root);
  }

  /** Loads a workflow by name or workspace path (paths must stay in the workspace). */
  loadWorkflow(nameOrPath: string): LoadedWorkflow {
    if (/\.ya?ml$/.test(nameOrPath)) this.workspace.resolve(nameOrPath, "workflow path");
    return loadWorkflow(nameOrPath, this.workspace.root, loadRoleLibrary(this.workspace.root));
  }

  /** The workflow a run started from, re-read from its stored snapshot so later edits do not change it. */
  workflowOf(run: RunRecord): LoadedWorkflow {
    const cached = this.workflows.get(run.workflow_hash);
    if (cached) return cached;
    const snapshot = this.store.getWorkflowSnapshot(run.workflow_hash);
    if (!snapshot) throw new UserError(`the workflow snapshot of run ${run.id} is missing from the database`);
    const workflow = loadWorkflowFile(
      snapshot.file,
      this.workspace.root,
      loadRoleLibrary(this.workspace.root),
      snapshot.snapshot,
    );
    this.workflows.set(run.workflow_hash, workflow);
    return workflow;
  }

  getRun(runId: string): RunRecord {
    const run = this.store.getRun(runId);
    if (!run) {
      const known = this.store.listRuns().map((r) => r.id);
      throw new UserError(`unknown run \`${runId}\`; runs in this workspace: ${quoteList(known.slice(-20))}`);
    }
    return run;
  }

  /** An iteration by id, or by its folder path (as `baton validate` accepts either). */
  getIteration(idOrPath: string): IterationBundle {
    const folder = idOrPath.replace(/\/+$/, "");
    const iteration =
      this.store.getIteration(folder) ??
      this.store.findIterationByPath(
        path.isAbsolute(folder) ? this.workspace.relative(folder) : folder.replace(/^\.\//, ""),
      );
    if (!iteration) {
      const known = this.store.listIterations().map((i) => i.id);
      throw new UserError(
        `unknown iteration \`${idOrPath}\`; iterations in this workspace: ${quoteList(known.slice(-20))}`,
      );
    }
    const run = this.getRun(iteration.run_id);
    const workflow = this.workflowOf(run);
    const spec = workflow.spec.iterations.find((it) => it.name === iteration.name) as IterationSpec;
    return { run, workflow, iteration, spec };
  }

  async createIteration(args: CreateIterationArgs): Promise<CreateIterationResult> {
    if (!args.workflow && !args.run_id) {
      throw new UserError(
        `give \`workflow\` to start a new run or \`run_id\` to continue one; workflows: ${quoteList(this.listWorkflows().map((w) => w.name))}`,
      );
    }
    if (args.workflow && args.run_id) {
      throw new UserError("give either `workflow` (a new run) or `run_id` (continue a run), not both");
    }
    let run: RunRecord;
    let workflow: LoadedWorkflow;
    if (args.workflow) {
      workflow = this.loadWorkflow(args.workflow);
      if (args.iteration) findSpec(workflow, args.iteration);
      run = this.startRun(workflow, args.inputs ?? {});
    } else {
      if (args.inputs && Object.keys(args.inputs).length > 0) {
        throw new UserError("`inputs` belong to a new run; a continued run keeps the inputs it started with");
      }
      run = this.getRun(args.run_id as string);
      workflow = this.workflowOf(run);
    }
    return this.materialize(run, workflow, args);
  }

  /** Records a new run of a loaded workflow, its snapshot stored so later edits cannot change it. */
  startRun(workflow: LoadedWorkflow, given: Record<string, string>): RunRecord {
    const inputs = resolveInputs(workflow, given);
    this.store.saveWorkflow(workflow.hash, workflow.name, workflow.file, workflow.text);
    const run = this.store.createRun(workflow.name, workflow.hash, inputs);
    this.workflows.set(workflow.hash, workflow);
    this.store.addEvent("run_created", { run_id: run.id }, { workflow: workflow.name, inputs });
    return run;
  }

  private async materialize(
    run: RunRecord,
    workflow: LoadedWorkflow,
    args: CreateIterationArgs,
  ): Promise<CreateIterationResult> {
    const requested = args.iteration;
    const force = args.force ?? false;
    if (args.output !== undefined) this.workspace.resolve(args.output, "output folder");
    for (const pattern of args.targets ?? [])
      this.workspace.resolve(pattern.replace(/[*?[{].*$/, "") || ".", "target pattern");
    const existing = new Map(this.store.listIterations(run.id).map((it) => [it.name, it]));
    const spec = requested ? findSpec(workflow, requested) : nextReady(workflow, existing, run.id);
    const seq = workflow.spec.iterations.indexOf(spec) + 1;
    const unmet = spec.dependencies.filter((dep) => existing.get(dep)?.state !== "passed");
    if (unmet.length > 0 && !force) {
      const states = unmet.map((d) => `\`${d}\` (${existing.get(d)?.state ?? "not created"})`).join(", ");
      throw new UserError(
        `iteration \`${spec.name}\` of run ${run.id} waits for dependencies that have not passed validation: ${states}. ` +
          "Validate them with validate_iteration, or pass `force: true` to create it anyway (recorded in the event log).",
      );
    }
    let iteration = existing.get(spec.name);
    const created = !iteration;
    if (!iteration) {
      const id = iterationId(run.id, seq);
      this.store.insertIteration({
        id,
        run_id: run.id,
        seq,
        name: spec.name,
        path:
          args.output?.replace(/\/+$/, "").replace(/^\.\//, "") ?? iterationFolder(run.id, seq, spec.name),
        forced: unmet.length > 0,
        targets_override: args.targets ?? null,
        // Only a `scope` check needs the picture of the workspace; it is loaded on first use.
        scope_baseline: splitCriteria(spec.completion_criteria).checks.some((c) => c.check === "scope")
          ? await (await import("./validate/scope.js")).takeScopeBaseline(this.workspace)
          : null,
      });
      iteration = this.store.getIteration(id) as IterationRecord;
      this.store.addEvent("iteration_created", { run_id: run.id, iteration_id: id }, { name: spec.name });
    }
    if (unmet.length > 0) {
      this.store.addEvent(
        "gate_forced",
        { run_id: run.id, iteration_id: iteration.id },
        { unmet: unmet.map((d) => ({ iteration: d, state: existing.get(d)?.state ?? "not created" })) },
      );
    }
    const bundle = { run, workflow, iteration, spec };
    const targets = await this.writeIterationFiles(bundle, new TemplateSet(this.workspace.root));
    return {
      run_id: run.id,
      iteration_id: iteration.id,
      iteration: spec.name,
      path: iteration.path,
      targets: targets.flat().length,
      created,
      forced: unmet.length > 0,
      next: `Call generate_prompts with iteration_id "${iteration.id}" to allocate agents and write their prompts.`,
    };
  }

  /** Resolves targets and writes CONTEXT.md, COMPLETION_CRITERIA.md and README.md. */
  private async writeIterationFiles(bundle: IterationBundle, templates: TemplateSet): Promise<Target[][]> {
    const { run, workflow, iteration, spec } = bundle;
    const targetsByAgent = await this.resolveAgentTargets(bundle);
    const deliverables = spec.agents.flatMap((agent, i) => {
      const targets = targetsByAgent[i] ?? [];
      const fill = (target?: Target) =>
        agent.deliverables.map((p) => fillPattern(p, { inputs: run.inputs, target }));
      return agent.targets?.length ? targets.flatMap((t) => fill(t)) : fill();
    });
    const upstream = this.upstreamOf(bundle);
    const base = baseContext(workflow, run, iteration, spec, upstream, this.learningsFor(workflow, spec));
    const context = iterationFilesContext(
      base,
      spec,
      targetsByAgent.flat(),
      deliverables,
      upstream,
      DEFAULT_MIN_BYTES,
    );
    const folder = this.workspace.resolve(iteration.path, "iteration folder");
    writeFileAtomic(path.join(folder, "CONTEXT.md"), templates.render(TEMPLATE_NAMES.context, context));
    writeFileAtomic(
      path.join(folder, "COMPLETION_CRITERIA.md"),
      templates.render(TEMPLATE_NAMES.criteria, context),
    );
    writeFileAtomic(path.join(folder, "README.md"), templates.render(TEMPLATE_NAMES.readme, context));
    return targetsByAgent;
  }

  /** Each agent's targets, with the iteration's target override applied to agents that have targets. */
  private resolveAgentTargets({ run, iteration, spec }: IterationBundle): Promise<Target[][]> {
    return Promise.all(
      spec.agents.map((agent) => {
        const patterns = agent.targets?.length ? (iteration.targets_override ?? agent.targets) : [];
        return resolveTargets(this.workspace, patterns, run.inputs);
      }),
    );
  }

  private upstreamOf({ run, spec }: IterationBundle): UpstreamIteration[] {
    const byName = new Map(this.store.listIterations(run.id).map((it) => [it.name, it]));
    return spec.dependencies.map((name) => {
      const dep = byName.get(name);
      const depSpec = this.workflowOf(run).spec.iterations.find((it) => it.name === name);
      return {
        name,
        goal: depSpec?.goal ?? "",
        state: dep?.state ?? "not created",
        deliverables: dep ? this.store.listAssignments(dep.id).flatMap((a) => a.deliverables) : [],
      };
    });
  }

  async generatePrompts(
    args: { iteration_id: string; dry_run?: boolean },
    progress: Progress = () => {},
  ): Promise<GeneratePromptsResult> {
    return this.generateFor(this.getIteration(args.iteration_id), args.dry_run ?? false, progress);
  }

  /**
   * What `create_iteration` + `generate_prompts` would produce, with nothing written: no run, no
   * iteration, no files (`baton generate --dry-run`).
   */
  async previewIteration(
    args: CreateIterationArgs,
  ): Promise<GeneratePromptsResult & { run_id: string; iteration: string }> {
    let run: RunRecord;
    let workflow: LoadedWorkflow;
    if (args.workflow) {
      workflow = this.loadWorkflow(args.workflow);
      run = {
        id: `${workflow.name}-preview`,
        workflow: workflow.name,
        workflow_hash: workflow.hash,
        inputs: resolveInputs(workflow, args.inputs ?? {}),
        status: "active",
        created_at: this.store.now().toISOString(),
      };
    } else {
      run = this.getRun(args.run_id ?? "");
      workflow = this.workflowOf(run);
    }
    const existing = new Map(this.store.listIterations(run.id).map((it) => [it.name, it]));
    const spec = args.iteration
      ? findSpec(workflow, args.iteration)
      : nextReady(workflow, existing, run.id, true);
    const seq = workflow.spec.iterations.indexOf(spec) + 1;
    const at = this.store.now().toISOString();
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
      created_at: at,
      updated_at: at,
    };
    const result = await this.generateFor({ run, workflow, iteration, spec }, true, () => {});
    return { ...result, run_id: run.id, iteration: spec.name };
  }

  private async generateFor(
    bundle: IterationBundle,
    dryRun: boolean,
    progress: Progress,
  ): Promise<GeneratePromptsResult> {
    const { run, workflow, iteration, spec } = bundle;
    const templates = new TemplateSet(this.workspace.root);
    const targetsByAgent = dryRun
      ? await this.resolveAgentTargets(bundle)
      : await this.writeIterationFiles(bundle, templates);
    const learnings = this.learningsFor(workflow, spec);
    const base: BaseContext = baseContext(workflow, run, iteration, spec, this.upstreamOf(bundle), learnings);
    progress(1, 3, "allocating targets and counting tokens");
    const planned = await planAssignments({
      workspace: this.workspace,
      workflow: { ...workflow, roles: learnings.roles },
      lessons: (role, patterns) => learnings.byRole(role, patterns).map((l) => l.text),
      spec,
      base,
      targetsByAgent,
      templates,
      history: memoize((role) => this.store.roleHistory(workflow.name, role, iteration.id)),
    });
    const promptDir = `${iteration.path}/agent-prompts`;
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
    }));
    const totals = {
      assignments: assignments.length,
      targets: assignments.reduce((s, a) => s + a.targets.length, 0),
      estimated_tokens: assignments.reduce((s, a) => s + a.estimated_tokens, 0),
      over_budget: assignments.filter((a) => a.estimated_tokens > a.token_budget).length,
      high_risk: assignments.filter((a) => a.risk.level === "high").length,
    };
    progress(2, 3, "writing prompts");
    if (!dryRun) {
      this.store.replaceAssignments(
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
      this.writePrompts(promptDir, planned);
      const manifest = {
        iteration_id: iteration.id,
        run_id: run.id,
        iteration: iteration.name,
        workflow: { name: workflow.name, hash: workflow.hash },
        inputs: run.inputs,
        templates: Object.fromEntries(
          [...new Set(planned.map((a) => a.template))].map((f) => [
            path.relative(this.workspace.root, f).startsWith("..")
              ? path.basename(f)
              : this.workspace.relative(f),
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
        assignments,
        totals,
      };
      writeFileAtomic(
        path.join(this.workspace.resolve(iteration.path), "manifest.json"),
        `${JSON.stringify(manifest, null, 2)}\n`,
      );
      this.store.addEvent("prompts_generated", { run_id: run.id, iteration_id: iteration.id }, totals);
    }
    return {
      iteration_id: iteration.id,
      dry_run: dryRun,
      path: iteration.path,
      assignments,
      totals,
      next: dryRun
        ? `Dry run: nothing was written. Call generate_prompts without dry_run to write ${assignments.length} prompt(s).`
        : `Dispatch each prompt (read ${assignments[0]?.prompt_uri ?? "the prompt resources"}) to a sub-agent of its role, then call validate_iteration with iteration_id "${iteration.id}".`,
    };
  }

  /** The enabled learnings of a workflow that concern an iteration's agents (`.baton/learnings/`). */
  private learningsFor(workflow: LoadedWorkflow, spec: IterationSpec): AppliedLearnings {
    return applyLearnings(readLearnings(this.workspace.root, workflow.name), workflow, spec.agents);
  }

  /** Runs the iteration's checks; see validation.ts. `allowCommands` defaults to the operator's setting. */
  async validateIteration(args: ValidateArgs, progress?: Progress): Promise<ValidationReport> {
    const { validateIteration } = await import("./validation.js");
    return validateIteration(
      this,
      { ...args, allowCommands: args.allowCommands ?? this.allowCommands },
      progress,
    );
  }

  /** Writes each prompt and removes prompt files of an earlier generation that no longer exist. */
  private writePrompts(promptDir: string, planned: readonly PlannedAssignment[]): void {
    const dir = this.workspace.resolve(promptDir, "prompt folder");
    const keep = new Set(planned.map((a) => `${a.local_id}.md`));
    if (existsSync(dir)) {
      for (const file of readdirSync(dir))
        if (file.endsWith(".md") && !keep.has(file)) rmSync(path.join(dir, file));
    }
    for (const a of planned) writeFileAtomic(path.join(dir, `${a.local_id}.md`), a.prompt);
  }
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

function findSpec(workflow: LoadedWorkflow, name: string): IterationSpec {
  const spec = workflow.spec.iterations.find((it) => it.name === name);
  if (!spec) {
    throw new UserError(
      `workflow \`${workflow.name}\` has no iteration \`${name}\`; iterations: ${quoteList(workflow.spec.iterations.map((it) => it.name))}`,
    );
  }
  return spec;
}

/** The first iteration, in workflow order, not yet created whose dependencies have all passed. */
function nextReady(
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
    `no iteration of run ${runId} is ready: ${waiting}. Validate the iterations they wait for with validate_iteration, or name one with \`iteration\` and \`force: true\`.`,
  );
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
    if (/[/\\]|\.\./.test(value) && workflowUsesInPath(workflow, name)) {
      throw new UserError(
        `input \`${name}\` = \`${value}\` is used in file paths and may not contain \`/\`, \`\\\` or \`..\``,
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
