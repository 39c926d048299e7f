import type { Role } from "../config/roles.js";
import type { AgentSpec, IterationSpec } from "../config/schema.js";
import type { LoadedWorkflow } from "../config/workflows.js";
import type { IterationRecord, RunRecord } from "../store/records.js";
import { describeCheck, splitCriteria } from "./criteria.js";
import { describedInputs, type GitDiff, gitDiffOf, type InputType } from "./inputs.js";
import type { AppliedLearnings } from "./learnings.js";
import { checksForAgent, formatsFor, targetPlaceholders, type UpstreamWork } from "./prompt-parts.js";
import type { Target } from "./targets.js";
import { DEFAULT_MIN_BYTES } from "./validate/size.js";

/** What every template sees about where it stands. */
export interface BaseContext {
  workflow: { name: string; description: string };
  run: {
    id: string;
    inputs: Record<string, string>;
    inputs_list: { name: string; value: string; type: InputType; description: string }[];
    /** The change named by the run's git-ref inputs, with the commands that show it. */
    git_diff?: GitDiff;
  };
  iteration: {
    id: string;
    name: string;
    seq: number;
    goal: string;
    path: string;
    /** Each assignment works in its own git worktree (`isolation: worktree`). */
    isolated?: boolean;
    /** Outputs of the iterations this one depends on, as workspace paths. */
    upstream: string[];
  };
  context: LoadedWorkflow["spec"]["context"];
  files: { context: string; criteria: string; readme: string };
  learnings: string[];
}

export interface UpstreamIteration {
  name: string;
  goal: string;
  state: string;
  deliverables: string[];
}

const LIST_LIMIT = 20;

export function baseContext(
  workflow: LoadedWorkflow,
  run: RunRecord,
  iteration: IterationRecord,
  spec: IterationSpec,
  upstream: readonly UpstreamIteration[],
  learnings: Pick<AppliedLearnings, "context" | "references"> = { context: [], references: [] },
): BaseContext {
  return {
    workflow: { name: workflow.name, description: workflow.description },
    run: {
      id: run.id,
      inputs: run.inputs,
      inputs_list: describedInputs(workflow, run.inputs),
      git_diff: gitDiffOf(workflow, run.inputs),
    },
    iteration: {
      id: iteration.id,
      name: iteration.name,
      seq: iteration.seq,
      goal: spec.goal,
      path: iteration.path,
      isolated: iteration.isolation_branch !== null,
      upstream: upstream.flatMap((u) => u.deliverables).slice(0, LIST_LIMIT),
    },
    context: {
      ...workflow.spec.context,
      references: [...new Set([...workflow.spec.context.references, ...learnings.references])],
    },
    files: {
      context: `${iteration.path}/CONTEXT.md`,
      criteria: `${iteration.path}/COMPLETION_CRITERIA.md`,
      readme: `${iteration.path}/README.md`,
    },
    learnings: learnings.context.map((l) => l.text),
  };
}

/** Context for CONTEXT.md, COMPLETION_CRITERIA.md and README.md. */
export function iterationFilesContext(
  base: BaseContext,
  spec: IterationSpec,
  targets: readonly Target[],
  deliverables: readonly string[],
  upstream: readonly UpstreamIteration[],
  minBytes: number,
) {
  const { human, checks } = splitCriteria(spec.completion_criteria);
  return {
    ...base,
    targets: {
      count: targets.length,
      sample: targets.slice(0, 5).map((t) => t.path),
      more: Math.max(0, targets.length - 5),
    },
    upstream: upstream.map((u) => ({
      ...u,
      deliverables: u.deliverables.slice(0, LIST_LIMIT),
      more: Math.max(0, u.deliverables.length - LIST_LIMIT),
    })),
    deliverables,
    human,
    checks: checks.map((c) => describeCheck(c)),
    min_bytes: minBytes,
  };
}

export interface PromptAssignment {
  id: string;
  local_id: string;
  task?: string;
  targets: { path: string; id: string; deliverables: string[] }[];
  deliverables: string[];
  /** The assignment's own git worktree (workspace-relative) when its iteration is isolated. */
  workdir?: string;
}

/**
 * The parts of a prompt that depend on the agent alone, not on its targets (output formats,
 * placeholders, checks in words): computed once per agent and generation, not once per prompt.
 */
export function agentParts(
  spec: IterationSpec,
  role: Role,
  agent: AgentSpec,
  inputs: Record<string, string>,
) {
  const { human } = splitCriteria(spec.completion_criteria);
  return {
    formats: formatsFor(spec, agent, role, inputs).filter((f) => f.lines.length > 0),
    placeholders: targetPlaceholders(agent.deliverables, inputs).map((p) => `{${p}}`),
    criteria: { human, checks: checksForAgent(spec, agent, inputs) },
  };
}

/**
 * Context for one agent prompt. It carries the budget but never the estimate (the estimate counts
 * this prompt). Upstream work, output formats and checks are this agent's own: its ancestors in the
 * workflow's graph, its deliverables, the checks on them.
 */
export function promptContext(
  base: BaseContext,
  role: Role,
  assignment: PromptAssignment,
  lessons: readonly string[],
  upstream: readonly UpstreamWork[],
  parts: ReturnType<typeof agentParts>,
) {
  return {
    ...base,
    learnings: lessons,
    upstream: upstream.filter((u) => u.files.length > 0),
    role,
    assignment,
    budget: { token_budget: role.constraints.token_budget },
    formats: parts.formats,
    min_bytes: DEFAULT_MIN_BYTES,
    placeholders: parts.placeholders,
    criteria: parts.criteria,
  };
}
