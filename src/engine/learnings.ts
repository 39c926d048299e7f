import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { patternMatcher } from "../config/placeholders.js";
import type { Role } from "../config/roles.js";
import type { LoadedWorkflow } from "../config/workflows.js";
import { loadYaml, validateWith } from "../config/yaml.js";
import { writeFileAtomic } from "./files.js";
import { loadYamlLibrary } from "./lazy.js";

export const LEARNING_KINDS = [
  "reminder",
  "calibrate_tokens",
  "lower_allocation",
  "add_reference",
  "flag",
] as const;

export const learningSchema = z.strictObject({
  id: z.string().min(1),
  enabled: z.boolean().default(true),
  kind: z.enum(LEARNING_KINDS),
  role: z.string().optional(),
  /** A deliverable pattern: the learning applies to agents that write it. */
  deliverable: z.string().optional(),
  text: z.string().min(1),
  action: z
    .strictObject({
      tokens_per_point: z.number().int().positive().optional(),
      complexity_threshold: z.number().int().positive().optional(),
      reference: z.string().optional(),
    })
    .optional(),
  evidence: z.strictObject({
    source: z.enum(["validation", "feedback", "tokens"]),
    count: z.number().int(),
    of: z.number().int(),
    assignments: z.array(z.string()).default([]),
  }),
});
export type Learning = z.infer<typeof learningSchema>;

const fileSchema = z.strictObject({ learnings: z.array(learningSchema).default([]) });

export function learningsFile(workspaceRoot: string, workflow: string): string {
  return path.join(workspaceRoot, ".baton", "learnings", `${workflow}.yaml`);
}

/** The learnings file as a person left it; a broken edit is a ConfigError with file:line:col. */
export function readLearnings(workspaceRoot: string, workflow: string): Learning[] {
  const file = learningsFile(workspaceRoot, workflow);
  if (!existsSync(file)) return [];
  return validateWith(loadYaml(file, path.relative(workspaceRoot, file), workspaceRoot), fileSchema)
    .learnings;
}

export function writeLearnings(
  workspaceRoot: string,
  workflow: string,
  learnings: readonly Learning[],
): string {
  const file = learningsFile(workspaceRoot, workflow);
  const header = `# Learnings Baton synthesized for workflow \`${workflow}\` from feedback, validation history and token usage.
# They are applied to later iterations' CONTEXT.md, role prompts and estimates.
# Edit freely: \`enabled: false\` disables a learning; your changes to text and action are kept
# (Baton then only refreshes the evidence). Rebuilt by record_feedback, validation and \`baton feedback\`.
`;
  // No anchors for shared arrays: config files allow few, and people edit this file by hand.
  writeFileAtomic(
    file,
    `${header}${loadYamlLibrary().stringify({ learnings }, { lineWidth: 0, aliasDuplicateObjects: false })}`,
  );
  return file;
}

export interface AppliedLearnings {
  /** Learning texts for CONTEXT.md. */
  context: Learning[];
  /** Per role key: the texts for that role's prompts. */
  byRole: (role: string, deliverables: readonly string[]) => Learning[];
  /** Roles with calibrated constraints. */
  roles: Map<string, Role>;
  /** References added to CONTEXT.md. */
  references: string[];
  applied: Learning[];
}

/** The enabled learnings that concern an iteration's agents, and the roles they recalibrate. */
export function applyLearnings(
  learnings: readonly Learning[],
  workflow: LoadedWorkflow,
  agents: readonly { role: string; deliverables: readonly string[] }[],
): AppliedLearnings {
  const concerns = (l: Learning, role: string, deliverables: readonly string[]) =>
    (l.role === undefined || l.role === role) &&
    (l.deliverable === undefined || deliverables.some((d) => samePattern(d, l.deliverable as string)));
  const active = learnings.filter(
    (l) => l.enabled && l.kind !== "flag" && agents.some((a) => concerns(l, a.role, a.deliverables)),
  );
  const roles = new Map(workflow.roles);
  for (const l of active) {
    if (!l.role || !l.action) continue;
    const role = roles.get(l.role);
    if (!role) continue;
    roles.set(l.role, {
      ...role,
      constraints: {
        ...role.constraints,
        tokens_per_point: l.action.tokens_per_point ?? role.constraints.tokens_per_point,
        complexity_threshold: l.action.complexity_threshold ?? role.constraints.complexity_threshold,
      },
    });
  }
  const textual = active.filter((l) => l.kind === "reminder" || l.kind === "add_reference");
  return {
    context: textual,
    byRole: (role, deliverables) => textual.filter((l) => concerns(l, role, deliverables)),
    roles,
    references: active.flatMap((l) => (l.action?.reference ? [l.action.reference] : [])),
    applied: active,
  };
}

/** Two deliverable patterns name the same file family (placeholders compared as wildcards). */
function samePattern(a: string, b: string): boolean {
  return a === b || patternMatcher(a, {})(b) || patternMatcher(b, {})(a);
}
