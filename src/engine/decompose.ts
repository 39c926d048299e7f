import { existsSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { z } from "zod";
import { type LoadedWorkflow, loadWorkflowFile } from "../config/workflows.js";
import { ConfigError, quoteList, UserError } from "../errors.js";
import { DEFAULT_MAX_ITERATIONS } from "./constants.js";
import { startRun } from "./create-iteration.js";
import type { EngineContext } from "./engine.js";
import { writeFileAtomic } from "./files.js";
import { PLAN_HEADER } from "./plans.js";
import {
  PLAN_CHECKS_INSTRUCTIONS,
  planChecksProblems,
  planChecksSchema,
  subtaskCriteria,
} from "./validate/plan-checks.js";

const kebab = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A host's (or a sampled model's) decomposition of a task; checked before anything is stored. */
export const planSchema = z.object({
  name: z.string().regex(kebab, "kebab-case").optional(),
  iterations: z
    .array(
      z.object({
        name: z.string().regex(kebab, "kebab-case"),
        goal: z.string().min(1),
        dependencies: z.array(z.string()).default([]),
        subtasks: z
          .array(
            z.object({
              role: z.string().min(1),
              description: z.string().min(1),
              deliverables: z.array(z.string().min(1)).min(1),
              complexity: z.number().int().min(1).max(13).default(3),
              checks: planChecksSchema,
              output_format: z.array(z.string().min(1)).min(1).optional(),
            }),
          )
          .min(1),
        completion_criteria: z.array(z.string().min(1)).default([]),
        approval: z.enum(["required"]).optional(),
        /** `worktree`: each subtask in its own git worktree, merged back when it passes. */
        isolation: z.enum(["none", "worktree"]).optional(),
      }),
    )
    .min(1),
});
export type Plan = z.infer<typeof planSchema>;

export interface DecomposeArgs {
  task: string;
  context?: string;
  plan?: unknown;
  max_iterations?: number;
  /** Save the plan as `.baton/workflows/<name>.yaml` to rerun or edit; otherwise it lives only in its run. */
  keep?: boolean;
}

/** Asks the client's model (MCP sampling); injected by the tool layer so the engine stays MCP-free. */
export type Sampler = (request: { system: string; prompt: string }) => Promise<string>;

export interface DecomposeResult {
  status: "planned" | "needs_plan";
  run_id?: string;
  workflow?: string;
  iterations: {
    name: string;
    goal: string;
    dependencies: string[];
    subtasks: Plan["iterations"][number]["subtasks"];
  }[];
  ready?: string[];
  mermaid?: string;
  instructions?: string;
  role_catalog?: { role: string; name: string; perspective: string; token_budget: number }[];
  plan_schema?: Record<string, unknown>;
  /** Where a planned workflow was saved (`keep: true`), workspace-relative. */
  workflow_file?: string;
  /** Why the client's model gave no usable plan, when sampling was tried and the host must plan itself. */
  sampling_problem?: string;
}

/**
 * Turns a free-form task into a stored run: from the caller's `plan`, else from the client's model
 * when it can sample (one retry with the validation errors), else it returns what the host needs
 * to write the plan itself.
 */
export async function decomposeTask(
  engine: EngineContext,
  args: DecomposeArgs,
  sample?: Sampler,
): Promise<DecomposeResult> {
  const maxIterations = args.max_iterations ?? DEFAULT_MAX_ITERATIONS;
  if (args.plan !== undefined) {
    const prepared = preparePlan(engine, args, args.plan, maxIterations);
    return store(engine, args, prepared, "caller", 1);
  }
  const instructions = decompositionInstructions(engine, args, maxIterations);
  const needsPlan = (why?: string): DecomposeResult => ({
    status: "needs_plan",
    iterations: [],
    instructions,
    role_catalog: roleCatalog(engine),
    plan_schema: planJsonSchema(),
    ...(why ? { sampling_problem: why } : {}),
  });
  if (!sample) return needsPlan();
  const system = `${instructions}\n\nPlan JSON schema:\n${JSON.stringify(planJsonSchema())}`;
  let prompt = `Task: ${args.task}${args.context ? `\n\nContext:\n${args.context}` : ""}\n\nAnswer with the plan as one JSON object and nothing else.`;
  let lastError = "";
  for (let attempt = 1; attempt <= 2; attempt++) {
    let answer: string;
    try {
      answer = await sample({ system, prompt });
    } catch (error) {
      // Declined by the user, refused or failed by the client: the host can still plan itself.
      return needsPlan(`Sampling the client's model did not work (${samplingProblem(error)}).`);
    }
    try {
      const prepared = preparePlan(engine, args, parseJsonAnswer(answer), maxIterations);
      return store(engine, args, prepared, "sampling", attempt);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      lastError = error.message;
      prompt = `${prompt}\n\nYour previous answer was rejected:\n${lastError}\nReturn a corrected plan as one JSON object.`;
    }
  }
  return needsPlan(
    `The client's model did not produce a valid plan in 2 attempts (last problem: ${lastError.slice(0, 500)}).`,
  );
}

/** A sampling failure in one line, without stacks or paths: the client's message, shortened. */
function samplingProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? "").slice(0, 200) || "no reason given";
}

interface PreparedPlan {
  plan: Plan;
  workflow: LoadedWorkflow;
  yaml: string;
  file: string;
}

/** Validates a plan as a workflow (roles, DAG, safe paths, unique names) without writing anything. */
function preparePlan(
  engine: EngineContext,
  args: DecomposeArgs,
  raw: unknown,
  maxIterations: number,
): PreparedPlan {
  const parsed = planSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError(
      `invalid plan: ${parsed.error.issues.map((i) => `${i.path.join(".") || "plan"}: ${i.message}`).join("; ")}`,
    );
  }
  const plan = parsed.data;
  const checkProblems = planChecksProblems(plan, engine.workspace);
  if (checkProblems.length > 0) throw new UserError(`invalid plan: ${checkProblems.join("; ")}`);
  if (plan.iterations.length > maxIterations) {
    throw new UserError(
      `invalid plan: ${plan.iterations.length} iterations, at most ${maxIterations} (max_iterations)`,
    );
  }
  const name = planName(engine, plan.name ?? slugOf(args.task));
  const yaml = workflowYaml(name, args, plan);
  const file = path.join(engine.workspace.root, ".baton", "workflows", `${name}.yaml`);
  try {
    const workflow = loadWorkflowFile(file, engine.workspace.root, engine.catalog.roles(), yaml);
    return { plan, workflow, yaml, file };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new UserError(`invalid plan: ${error.issues.map((i) => i.message).join("; ")}`);
  }
}

function store(
  engine: EngineContext,
  args: DecomposeArgs,
  { plan, workflow, yaml, file }: PreparedPlan,
  source: "caller" | "sampling",
  attempts: number,
): DecomposeResult {
  // The run keeps the plan as its workflow snapshot; a file in .baton/workflows/ only when asked.
  if (args.keep) writeFileAtomic(file, yaml);
  const name = workflow.name;
  const run = startRun(engine, workflow, {});
  engine.store.addEvent("task_decomposed", { run_id: run.id }, { task: args.task, source, attempts });
  const ready = plan.iterations.filter((it) => it.dependencies.length === 0).map((it) => it.name);
  return {
    status: "planned",
    run_id: run.id,
    workflow: name,
    iterations: plan.iterations.map((it) => ({
      name: it.name,
      goal: it.goal,
      dependencies: it.dependencies,
      subtasks: it.subtasks,
    })),
    ready,
    mermaid: mermaidOf(plan),
    workflow_file: args.keep ? engine.workspace.relative(file) : undefined,
  };
}

/** The plan as a workflow file people can read, edit and rerun. */
function workflowYaml(name: string, args: DecomposeArgs, plan: Plan): string {
  const doc = {
    workflow: {
      name,
      description: args.task,
      context: args.context ? { domain: [args.context] } : undefined,
      iterations: plan.iterations.map((it) => ({
        name: it.name,
        goal: it.goal,
        dependencies: it.dependencies,
        agents: it.subtasks.map((s) => ({
          role: s.role,
          deliverables: s.deliverables,
          complexity_per_target: s.complexity,
          task: s.description,
          output_format: s.output_format,
        })),
        completion_criteria: [...it.completion_criteria, ...it.subtasks.flatMap(subtaskCriteria)],
        approval: it.approval,
        isolation: it.isolation,
      })),
    },
  };
  return `${PLAN_HEADER}${args.task.replace(/\n/g, " ")}\n${stringify(doc, { lineWidth: 0 })}`;
}

function slugOf(task: string): string {
  const words = task
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()
    .split(" ")
    .filter(Boolean);
  let slug = "";
  for (const w of words) {
    if (slug.length + w.length + 1 > 40) break;
    slug = slug ? `${slug}-${w}` : w;
  }
  return slug || "task";
}

/**
 * A plan's workflow name: `plan-<slug>`, so it never shadows a workflow of the catalog, and never
 * ending in `-<number>`, so it never reads like a run id (`<workflow>-<n>`). A name a workflow file
 * already has gets a letter (`plan-x-b`); runs of the same name count on (`plan-x-1`, `plan-x-2`).
 */
function planName(engine: EngineContext, wanted: string): string {
  const slug = wanted.replace(/^plan-/, "").replace(/-(\d+)$/, "-v$1");
  const base = `plan-${slug}`.slice(0, 60).replace(/-+$/, "");
  const taken = new Set(engine.catalog.workflows().map((w) => w.name));
  if (!taken.has(base)) return base;
  for (const letter of "bcdefghijklmnopqrstuvwxyz")
    if (!taken.has(`${base}-${letter}`)) return `${base}-${letter}`;
  throw new UserError(
    `too many saved plans named ${base}; list them with \`baton plans\` and remove some with \`baton plans remove <name>\``,
  );
}

function parseJsonAnswer(answer: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(answer);
  const text = (fenced?.[1] ?? answer).trim();
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  try {
    return JSON.parse(start >= 0 && end > start ? text.slice(start, end + 1) : text);
  } catch (error) {
    throw new UserError(`the answer is not JSON (${(error as Error).message})`);
  }
}

export function mermaidOf(plan: Plan): string {
  const lines = ["graph TD"];
  const id = (name: string) => name.replace(/-/g, "_");
  for (const it of plan.iterations) {
    const roles = [...new Set(it.subtasks.map((s) => s.role))].join(", ");
    lines.push(`  ${id(it.name)}["${it.name}<br/>${roles}"]`);
  }
  for (const it of plan.iterations)
    for (const dep of it.dependencies) lines.push(`  ${id(dep)} --> ${id(it.name)}`);
  return lines.join("\n");
}

function roleCatalog(engine: EngineContext): NonNullable<DecomposeResult["role_catalog"]> {
  return [...engine.catalog.roles().entries()].map(([key, role]) => ({
    role: key,
    name: role.name,
    perspective: role.perspective,
    token_budget: role.constraints.token_budget,
  }));
}

function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(planSchema, { io: "input" }) as Record<string, unknown>;
}

/** The workspace README's opening, for context; nothing when it is missing, huge or a link out. */
function readmeStart(engine: EngineContext): string {
  if (!existsSync(path.join(engine.workspace.root, "README.md"))) return "";
  try {
    const text = engine.workspace.readText("README.md", { maxBytes: 1024 * 1024 });
    return ` The workspace README starts: "${text.slice(0, 200).replace(/\s+/g, " ")}".`;
  } catch (error) {
    if (error instanceof UserError) return "";
    throw error;
  }
}

function decompositionInstructions(
  engine: EngineContext,
  args: DecomposeArgs,
  maxIterations: number,
): string {
  const catalog = roleCatalog(engine);
  const roles = catalog.map((r) => `- ${r.role}: ${r.name} (${r.perspective})`).join("\n");
  const hint = readmeStart(engine);
  return `Decompose the task "${args.task}" into at most ${maxIterations} iterations for role-based agents.${hint}
Each iteration has a kebab-case name, a goal, dependencies (names of earlier iterations; no cycles) and subtasks. Each subtask has a role from the catalog, a description, its deliverables (workspace-relative file paths, no leading / and no ..; put them under one folder such as tasks/<slug>/) and a complexity (1-13 points); optionally an output_format (what each deliverable must look like).
Put work that can run in parallel in the same iteration; put work that needs another's output in a later iteration that depends on it. Add completion_criteria a reviewer can confirm. Give an iteration isolation: "worktree" when its subtasks change code in parallel: each then works in its own git worktree, merged when it passes.
${PLAN_CHECKS_INSTRUCTIONS}
Roles (${quoteList(catalog.map((r) => r.role))}):
${roles}`;
}
