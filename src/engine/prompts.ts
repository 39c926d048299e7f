import { fillPattern } from "../config/placeholders.js";
import type { Role } from "../config/roles.js";
import type { AgentSpec, IterationSpec } from "../config/schema.js";
import type { LoadedWorkflow } from "../config/workflows.js";
import type { Workspace } from "../config/workspace.js";
import type { RiskScore, TokenEstimate } from "../store/records.js";
import { allocate } from "./allocate.js";
import { worktreeName } from "./code/isolation.js";
import { worktreeDir } from "./code/worktrees.js";
import { agentParts, type BaseContext, type PromptAssignment, promptContext } from "./context.js";
import { type OutputModel, type OutputSource, pointsOutput } from "./estimate/output-history.js";
import type { IterationReading, Reading } from "./estimate/reading.js";
import type { TargetCount } from "./estimate/target-counts.js";
import { assignmentId, localAssignmentId } from "./ids.js";
import type { UpstreamWork } from "./prompt-parts.js";
import type { TemplateSet } from "./render.js";
import { scoreRisk } from "./risk.js";
import type { Target } from "./targets.js";
import { loadPromptCounter } from "./tokens.js";

export interface PlannedAssignment extends PromptAssignment {
  role: string;
  template: string;
  estimate: TokenEstimate;
  estimated_tokens: number;
  token_budget: number;
  risk: RiskScore;
  /** What the prompt tells the agent to read, as counted in `estimate.input_tokens`. */
  reading: Reading;
  /** What `estimate.output_tokens` is based on: learned deliverable sizes or tokens per point. */
  output_source: OutputSource;
}

export interface RoleHistory {
  assignments: number;
  failed: number;
  overruns: number;
}

export interface PlanInput {
  workspace: Workspace;
  workflow: LoadedWorkflow;
  spec: IterationSpec;
  base: BaseContext;
  targetsByAgent: readonly Target[][];
  templates: TemplateSet;
  history: (role: string) => RoleHistory;
  /** Lessons from earlier iterations for a role writing these deliverable patterns. */
  lessons: (role: string, patterns: readonly string[]) => string[];
  /** The upstream work an assignment with these targets builds on (the workflow's graph). */
  upstream: (targets: readonly { path: string; id: string }[]) => UpstreamWork[];
  /** Counts of what prompts tell agents to read (CONTEXT.md, references, inputs, upstream files). */
  reading: IterationReading;
  /**
   * Takes each prompt once it is rendered and counted; planning keeps none of them. A refit (counts
   * overshot the allocation) hands the same local ids again with new text.
   */
  stage: (localId: string, prompt: string) => void;
  /**
   * The tokens of each agent's targets, in their order (target-counts.ts): the caller starts the
   * counting early, so worker threads count while it writes the iteration's files.
   */
  targetCounts: (agentIndex: number) => Promise<TargetCount[]>;
  /** Output learned from earlier runs of this iteration for a role; undefined without history. */
  output: (role: string) => OutputModel | undefined;
}

/** Attempts at raising the instance count when exact prompt counts overshoot the approximation. */
const MAX_REFITS = 8;

/**
 * Allocates each agent's targets to instances under its role's limits, renders every prompt and
 * estimates it with real token counts: prompt + everything it tells the agent to read +
 * complexity × tokens-per-point. Each prompt goes to `stage` as soon as it is counted and is not kept.
 */
export async function planAssignments(input: PlanInput): Promise<PlannedAssignment[]> {
  const count = await loadPromptCounter();
  const { workflow, spec, base, templates } = input;
  const counters = new Map<string, number>();
  const planned: PlannedAssignment[] = [];
  const { reading } = input;
  const missingRefs = [...reading.missingReferences];

  for (const [index, agent] of spec.agents.entries()) {
    const role = workflow.roles.get(agent.role) as Role;
    const template = templates.roleTemplateFile(agent.role, workflow.templates.get(agent.role));
    const targets = input.targetsByAgent[index] ?? [];
    const output =
      input.output(agent.role) ??
      pointsOutput(agent.complexity_per_target, role.constraints.tokens_per_point, !!agent.targets?.length);
    // Everything that does not need the targets' counts is done before waiting for them: the
    // counting threads work meanwhile, and this thread joins them only after.
    const targetInfo = targets.map((target) => {
      const deliverables = agent.deliverables.map((p) => fillPattern(p, { inputs: base.run.inputs, target }));
      const line = `- \`${target.path}\` (id \`${target.id}\`)\n${deliverables.map((d) => `  - write \`${d}\`\n`).join("")}`;
      return {
        target,
        deliverables,
        inputTokens: 0,
        outputTokens: 0,
        upstreamTokens: reading.upstreamTokens(target.path, input.upstream([target])),
        lineTokens: count(line),
        empty: false,
      };
    });
    const nextLocalId = () => {
      const n = (counters.get(agent.role) ?? 0) + 1;
      counters.set(agent.role, n);
      return localAssignmentId(agent.role, n);
    };
    const parts = agentParts(spec, role, agent, base.run.inputs);
    const lessons = input.lessons(agent.role, agent.deliverables);
    const render = (assignment: PromptAssignment, upstream = input.upstream(assignment.targets)) =>
      templates.renderFile(template, promptContext(base, role, assignment, lessons, upstream, parts));
    const readingOf = (assignment: PromptAssignment, upstream: UpstreamWork[], tokens: number[]) =>
      reading.forAssignment({
        targets: assignment.targets.map((t, i) => ({ path: t.path, tokens: tokens[i] ?? 0 })),
        upstream,
        task: assignment.task,
      });

    if (!agent.targets?.length) {
      const deliverables = agent.deliverables.map((p) => fillPattern(p, { inputs: base.run.inputs }));
      const localId = nextLocalId();
      const assignment = withIds(base, localId, agent, [], deliverables);
      const upstream = input.upstream([]);
      const prompt = render(assignment, upstream);
      const read = readingOf(assignment, upstream, []);
      const estimate = {
        prompt_tokens: count(prompt),
        input_tokens: read.tokens,
        output_tokens: output.predict(undefined),
      };
      input.stage(localId, prompt);
      planned.push(
        finish(assignment, agent, role, template, estimate, read, output.source, {
          targetTokens: [],
          median: 0,
          missing: missingRefs,
          history: input.history(agent.role),
          oversized: false,
        }),
      );
      continue;
    }

    // Declared targets that match no file: nothing to assign (create_iteration reported 0 targets).
    if (targets.length === 0) continue;
    const overhead = count(render(withIds(base, "x-00", agent, [], []))) + reading.sharedTokens;
    const counts = await input.targetCounts(index);
    for (const [i, info] of targetInfo.entries()) {
      const { tokens, empty } = counts[i] as TargetCount;
      info.inputTokens = tokens;
      info.outputTokens = output.predict(tokens);
      info.empty = empty;
    }
    const median = medianOf(targetInfo.map((t) => t.inputTokens));
    let minBins = 1;
    for (let attempt = 0; ; attempt++) {
      const bins = allocate(
        targetInfo.map((t) => ({
          item: t,
          cost: t.inputTokens + t.upstreamTokens + t.outputTokens + t.lineTokens,
        })),
        {
          maxItems: role.constraints.complexity_threshold,
          budget: role.constraints.token_budget,
          overhead,
          minBins,
        },
      );
      const startCounter = counters.get(agent.role) ?? 0;
      const batch = bins.map((bin) => {
        const localId = nextLocalId();
        const assignment = withIds(
          base,
          localId,
          agent,
          bin.items.map((t) => ({ path: t.target.path, id: t.target.id, deliverables: t.deliverables })),
          bin.items.flatMap((t) => t.deliverables),
        );
        const upstream = input.upstream(assignment.targets);
        const prompt = render(assignment, upstream);
        const read = readingOf(
          assignment,
          upstream,
          bin.items.map((t) => t.inputTokens),
        );
        const estimate = {
          prompt_tokens: count(prompt),
          input_tokens: read.tokens,
          output_tokens: bin.items.reduce((s, t) => s + t.outputTokens, 0),
        };
        input.stage(localId, prompt);
        return finish(assignment, agent, role, template, estimate, read, output.source, {
          targetTokens: bin.items.map((t) => t.inputTokens),
          median,
          missing: [...missingRefs, ...bin.items.filter((t) => t.empty).map((t) => t.target.path)],
          history: input.history(agent.role),
          oversized: bin.oversized,
        });
      });
      const overshoot = batch.some((a, i) => !bins[i]?.oversized && a.estimated_tokens > a.token_budget);
      if (!overshoot || attempt === MAX_REFITS) {
        planned.push(...batch);
        break;
      }
      counters.set(agent.role, startCounter);
      minBins = bins.filter((b) => !b.oversized).length + 1;
    }
  }
  return planned;
}

function withIds(
  base: BaseContext,
  localId: string,
  agent: AgentSpec,
  targets: PromptAssignment["targets"],
  deliverables: string[],
): PromptAssignment {
  return {
    id: assignmentId(base.iteration.id, localId),
    local_id: localId,
    task: agent.task && fillPattern(agent.task, { inputs: base.run.inputs }),
    targets,
    deliverables,
    workdir: base.iteration.isolated
      ? worktreeDir(base.run.id, worktreeName(base.iteration.seq, localId))
      : undefined,
  };
}

function finish(
  assignment: PromptAssignment,
  agent: AgentSpec,
  role: Role,
  template: string,
  estimate: TokenEstimate,
  reading: Reading,
  outputSource: OutputSource,
  risk: {
    targetTokens: number[];
    median: number;
    missing: string[];
    history: RoleHistory;
    oversized: boolean;
  },
): PlannedAssignment {
  const estimated = estimate.prompt_tokens + estimate.input_tokens + estimate.output_tokens;
  return {
    ...assignment,
    role: agent.role,
    template,
    estimate,
    estimated_tokens: estimated,
    token_budget: role.constraints.token_budget,
    reading,
    output_source: outputSource,
    risk: scoreRisk({
      estimated,
      budget: role.constraints.token_budget,
      targetTokens: risk.targetTokens,
      medianTargetTokens: risk.median,
      deliverables: assignment.deliverables.length,
      missingInputs: risk.missing,
      history: risk.history,
      oversized: risk.oversized,
    }),
  };
}

function medianOf(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
