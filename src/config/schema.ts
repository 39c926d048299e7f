import { z } from "zod";
import { INPUT_TYPES } from "../engine/inputs.js";
import {
  CHECK_KINDS,
  type CheckKind,
  type CheckParams,
  kindNamed,
  paramIssues,
  paramShape,
} from "../engine/validate/kinds/index.js";
import { strictObject } from "./strict.js";

// strictObject lives in its own module: the operator config, which the check kinds reach, uses it without a cycle.
export { strictObject };

const text = z.string().trim().min(1, "must not be empty");
const textList = z.array(text);
const roleKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "role keys are snake_case (letters, digits, underscores), e.g. `tech_lead`");
const kebabName = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be kebab-case (lowercase letters, digits, single dashes)");
const positiveInt = z.number().int().positive();
/** A model name as the agent CLI spells it (`sonnet`, `gpt-5-codex`, `anthropic/claude-sonnet-4-5`). */
const modelName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/,
    "model names are letters, digits and `. _ : / @ + -`, e.g. `claude-sonnet-4-5` or `openai/gpt-5`",
  );

const constraintsShape = {
  token_budget: positiveInt.describe("most tokens one agent instance may need"),
  complexity_threshold: positiveInt.describe("most targets one agent instance gets"),
  dependencies: z.array(roleKey).default([]),
  tokens_per_point: positiveInt.optional(),
};

export const roleFileSchema = strictObject({
  name: text,
  perspective: text,
  responsibilities: textList.min(1),
  capabilities: textList.min(1),
  constraints: strictObject(constraintsShape),
  output_format: textList.min(1),
  guidelines: textList.default([]),
  model: modelName.optional().describe("the model agents of this role run on, passed to the agent CLI"),
});
export type RoleFile = z.infer<typeof roleFileSchema>;

/**
 * A workflow's `agent_roles` entry: any role key may be overridden. The seed's flat spelling
 * (`token_budget` next to `perspective`) is accepted as well as a `constraints` block.
 */
export const roleOverrideSchema = strictObject({
  name: text.optional(),
  perspective: text.optional(),
  responsibilities: textList.optional(),
  capabilities: textList.optional(),
  constraints: strictObject({
    token_budget: constraintsShape.token_budget.optional(),
    complexity_threshold: constraintsShape.complexity_threshold.optional(),
    dependencies: z.array(roleKey).optional(),
    tokens_per_point: positiveInt.optional(),
  }).optional(),
  output_format: textList.optional(),
  guidelines: textList.optional(),
  token_budget: positiveInt.optional(),
  complexity_threshold: positiveInt.optional(),
  dependencies: z.array(roleKey).optional(),
  tokens_per_point: positiveInt.optional(),
  model: modelName.optional(),
});
export type RoleOverride = z.infer<typeof roleOverrideSchema>;

export { CHECK_KINDS, type CheckKind };

/** A machine check of a workflow: its kind, its file, and the parameters of its kind (see kinds/). */
export type Check = {
  check: CheckKind;
  deliverable?: string;
  path?: string;
  description?: string;
} & CheckParams;

export const checkSchema = strictObject({
  check: z.enum(CHECK_KINDS),
  deliverable: text.optional(),
  path: text.optional(),
  description: text.optional(),
  ...paramShape(),
}).superRefine((check, ctx) => {
  for (const { path, message } of paramIssues(check)) ctx.addIssue({ code: "custom", path: [path], message });
  const needsFile = kindNamed(check.check)?.target === "file";
  if (needsFile && check.deliverable === undefined && check.path === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["check"],
      message: `check \`${check.check}\` needs \`deliverable\` (a deliverable pattern) or \`path\` (a workspace file)`,
    });
  }
  if (check.deliverable !== undefined && check.path !== undefined) {
    ctx.addIssue({ code: "custom", path: ["path"], message: "give `deliverable` or `path`, not both" });
  }
}) as unknown as z.ZodType<Check>;

export const criterionSchema = z.union([text, checkSchema]);
export type Criterion = z.infer<typeof criterionSchema>;

export const agentSchema = strictObject({
  role: roleKey,
  targets: z.array(text).optional(),
  deliverables: textList.min(1, "an agent needs at least one deliverable"),
  complexity_per_target: z.number().positive().default(1),
  task: text.optional(),
  model: modelName.optional().describe("overrides the role's model for this agent"),
  update_in_place: z
    .boolean()
    .default(false)
    .describe(
      "its deliverables may pass unchanged from an earlier run (else each must be written in the iteration)",
    ),
  output_format: z
    .union([textList.min(1), z.record(text, textList.min(1))])
    .optional()
    .describe(
      "what the deliverables look like: one list for all, or one per deliverable pattern; replaces the role's",
    ),
}).superRefine((agent, ctx) => {
  const format = agent.output_format;
  if (format === undefined || Array.isArray(format)) return;
  for (const key of Object.keys(format)) {
    if (!agent.deliverables.includes(key)) {
      ctx.addIssue({
        code: "custom",
        path: ["output_format", key],
        message: `\`${key}\` is not a deliverable of this agent; valid keys: ${agent.deliverables.map((d) => `\`${d}\``).join(", ")}`,
      });
    }
  }
});
export type AgentSpec = z.infer<typeof agentSchema>;

export const iterationSchema = strictObject({
  name: kebabName,
  goal: text,
  dependencies: z.array(kebabName).default([]),
  agents: z.array(agentSchema).min(1, "an iteration needs at least one agent"),
  completion_criteria: z.array(criterionSchema).default([]),
  update_in_place: z.boolean().default(false),
  /** `required`: passing the machine checks leaves the iteration awaiting a person's review_iteration. */
  approval: z.enum(["required"]).optional(),
  /** `worktree`: each assignment works in its own git worktree, merged back when it passes. */
  isolation: z.enum(["none", "worktree"]).default("none"),
});
export type IterationSpec = z.infer<typeof iterationSchema>;

export const inputSchema = strictObject({
  description: text,
  required: z.boolean().default(false),
  default: z.string().optional(),
  type: z
    .enum(INPUT_TYPES)
    .default("text")
    .describe("text, a workspace file or folder (a full path), or a git ref (the change to diff)"),
});

export const workflowFileSchema = strictObject({
  workflow: strictObject({
    name: kebabName,
    description: text,
    inputs: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/, "input names are snake_case"), inputSchema)
      .default({}),
    context: strictObject({
      references: z.array(text).default([]),
      conventions: textList.default([]),
      domain: textList.default([]),
      non_goals: textList.default([]),
    }).default({ references: [], conventions: [], domain: [], non_goals: [] }),
    max_attempts: z.number().int().min(1).max(10).default(2),
    stall_minutes: z.number().positive().default(10),
    iterations: z.array(iterationSchema).min(1, "a workflow needs at least one iteration"),
  }),
  agent_roles: z.record(roleKey, roleOverrideSchema).default({}),
  templates: z.record(roleKey, text).default({}),
});
export type WorkflowFile = z.infer<typeof workflowFileSchema>;
