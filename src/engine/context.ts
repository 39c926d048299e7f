import type { Role } from "../config/roles.js";
import type { IterationSpec } from "../config/schema.js";
import type { LoadedWorkflow } from "../config/workflows.js";
import type { IterationRecord, RunRecord } from "../store/records.js";
import { checksForPatterns, describeCheck, splitCriteria } from "./criteria.js";
import type { AppliedLearnings } from "./learnings.js";
import type { Target } from "./targets.js";

/** What every template sees about where it stands. */
export interface BaseContext {
  workflow: { name: string; description: string };
  run: { id: string; inputs: Record<string, string>; inputs_list: { name: string; value: string }[] };
  iteration: {
    id: string;
    name: string;
    seq: number;
    goal: string;
    path: string;
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
      inputs_list: Object.entries(run.inputs).map(([name, value]) => ({ name, value })),
    },
    iteration: {
      id: iteration.id,
      name: iteration.name,
      seq: iteration.seq,
      goal: spec.goal,
      path: iteration.path,
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
}

/** Context for one agent prompt. It carries the budget but never the estimate (the estimate counts this prompt). */
export function promptContext(
  base: BaseContext,
  spec: IterationSpec,
  role: Role,
  patterns: readonly string[],
  assignment: PromptAssignment,
  lessons: readonly string[] = [],
  upstreamRoles: readonly string[] = [],
) {
  const { human } = splitCriteria(spec.completion_criteria);
  return {
    ...base,
    learnings: lessons,
    upstream_roles: upstreamRoles,
    role,
    assignment,
    budget: { token_budget: role.constraints.token_budget },
    criteria: { human, checks: checksForPatterns(spec, new Set(patterns)).map((c) => describeCheck(c)) },
  };
}
