import path from "node:path";
import { fillPattern, isTargetPlaceholder, placeholdersIn } from "../config/placeholders.js";
import type { Role } from "../config/roles.js";
import type { AgentSpec, Check, IterationSpec } from "../config/schema.js";
import type { LoadedWorkflow } from "../config/workflows.js";
import { describeCheck, splitCriteria } from "./criteria.js";

/**
 * The parts of an agent prompt that depend on the workflow's graph and on the agent's own
 * deliverables: the upstream work it builds on, the output format of each deliverable, and the
 * checks on its files. Shared by generated prompts and CONTEXT.md so both say the same thing.
 */

/** An iteration an agent builds on, with the files it produced (or will have produced) for this agent. */
export interface UpstreamWork {
  name: string;
  goal: string;
  files: string[];
  more: number;
}

const LIST_LIMIT = 20;

/** The iterations an iteration builds on: its dependencies and theirs, in workflow order. Nothing parallel or later. */
export function ancestorsOf(workflow: LoadedWorkflow, spec: IterationSpec): IterationSpec[] {
  const byName = new Map(workflow.spec.iterations.map((it) => [it.name, it]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of byName.get(name)?.dependencies ?? []) visit(dep);
  };
  for (const dep of spec.dependencies) visit(dep);
  return workflow.spec.iterations.filter((it) => seen.has(it.name));
}

/** Whether a deliverable pattern is written once per target (it names a target placeholder). */
export function perTarget(pattern: string): boolean {
  return placeholdersIn(pattern).some(isTargetPlaceholder);
}

/**
 * The upstream files of an assignment, as full workspace paths: each ancestor's deliverable
 * patterns filled with the run inputs and, when written per target, with this assignment's target
 * ids (the same story, incident or change). Per-target files of an assignment without targets are
 * the ones recorded for the ancestor (`recorded`), when it ran.
 */
export function upstreamFor(
  ancestors: readonly IterationSpec[],
  inputs: Readonly<Record<string, string>>,
  targets: readonly { path: string; id: string }[],
  recorded: (iteration: string) => readonly string[],
): UpstreamWork[] {
  return ancestors.map((it) => {
    const files = new Set<string>();
    for (const agent of it.agents) {
      for (const pattern of agent.deliverables) {
        if (!perTarget(pattern)) files.add(fillPattern(pattern, { inputs }));
        else if (targets.length > 0)
          for (const t of targets) files.add(fillPattern(pattern, { inputs, target: t }));
        else for (const file of recorded(it.name)) files.add(file);
      }
    }
    const all = [...files];
    return {
      name: it.name,
      goal: it.goal,
      files: all.slice(0, LIST_LIMIT),
      more: Math.max(0, all.length - LIST_LIMIT),
    };
  });
}

/** A deliverable as a prompt names it: filled with the inputs; per-target placeholders stay, explained once. */
export function deliverableName(pattern: string, inputs: Readonly<Record<string, string>>): string {
  return fillPattern(pattern, { inputs });
}

/** The checks on an agent's own deliverables (by pattern), plus workspace-wide ones, in words for that agent. */
export function checksForAgent(
  spec: IterationSpec,
  agent: Pick<AgentSpec, "deliverables">,
  inputs: Readonly<Record<string, string>>,
): string[] {
  const patterns = new Set(agent.deliverables);
  return splitCriteria(spec.completion_criteria)
    .checks.filter((c) => c.deliverable === undefined || patterns.has(c.deliverable))
    .map((c) => describeCheck(c, c.deliverable ? deliverableName(c.deliverable, inputs) : (c.path ?? "")));
}

/** The target placeholders an agent's deliverable names keep after the inputs are filled. */
export function targetPlaceholders(
  patterns: readonly string[],
  inputs: Readonly<Record<string, string>>,
): string[] {
  const names = patterns.flatMap((p) => placeholdersIn(fillPattern(p, { inputs })));
  return [...new Set(names.filter(isTargetPlaceholder))];
}

export interface DeliverableFormat {
  file: string;
  lines: string[];
}

/** An agent's `output_format`: one list for all its deliverables, or one per deliverable pattern. */
export type AgentOutputFormat = string[] | Record<string, string[]>;

/**
 * What each deliverable must look like. A workflow's (or plan's) `output_format` for the agent or
 * the deliverable wins; otherwise the parts of the role's format for that kind of file (the entry
 * naming a file of the same name, with its continuation entries, and the general rules for the
 * file's kind). The sections the checks require come first either way. File names in the role's
 * text are replaced by the deliverable's own path: a prompt names no file to write but its own.
 */
export function formatsFor(
  spec: IterationSpec,
  agent: Pick<AgentSpec, "deliverables"> & { output_format?: AgentOutputFormat },
  role: Pick<Role, "output_format">,
  inputs: Readonly<Record<string, string>>,
): DeliverableFormat[] {
  const checks = splitCriteria(spec.completion_criteria).checks;
  return agent.deliverables.map((pattern) => {
    const file = deliverableName(pattern, inputs);
    const lines: string[] = [];
    const headings = checks
      .filter((c): c is Check & { headings: string[] } => c.deliverable === pattern && c.check === "headings")
      .flatMap((c) => c.headings);
    if (headings.length > 0)
      lines.push(`Sections, with these exact headings: ${headings.map((h) => `\`## ${h}\``).join(", ")}`);
    const own = agent.output_format;
    const declared = Array.isArray(own) ? own : own?.[pattern];
    lines.push(...(declared ?? roleFormatFor(role.output_format, file)));
    return { file, lines };
  });
}

const FILE_MENTION = /`?([\w./<>{}-]*?)([\w-]+\.(?:md|json|ya?ml|txt))`?/g;
const DOC = /\.(md|markdown|txt)$/;
const DATA = /\.(json|ya?ml)$/;

function mentions(text: string): string[] {
  return [...text.matchAll(FILE_MENTION)].map((m) => m[2] ?? "");
}

/** The role's format entries that apply to one deliverable, with file names replaced by its path. */
export function roleFormatFor(format: readonly string[], file: string): string[] {
  const base = path.posix.basename(file);
  const kind = DOC.test(file) ? "doc" : DATA.test(file) ? "data" : "code";
  const out: string[] = [];
  let current = false;
  for (const text of format) {
    const files = mentions(text);
    const continuation = /^(Optional )?`#{2,3} /.test(text);
    if (files.length > 0 && !continuation) {
      current = files.includes(base);
      if (current) out.push(text.replace(FILE_MENTION, `\`${file}\``));
    } else if (continuation) {
      if (current && files.length === 0) out.push(text);
    } else {
      current = false;
      const general = /deliverable path/i.test(text) ? "code" : /`#{1,3} /.test(text) ? "other" : "doc";
      if (general === kind) out.push(text);
    }
  }
  return out;
}
