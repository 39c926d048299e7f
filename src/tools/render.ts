import { iterationUri } from "../uris.js";

/**
 * The text content of tool results, written for a model: hosts that show only `content` hand this
 * to the agent, so a prompt arrives as Markdown rather than as an escaped JSON string, and lists
 * arrive as lists. `structuredContent` keeps the data; files the result points at travel beside
 * the text as `resource_link` items.
 */

export interface Link {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
}

/** Links beyond this many are left to the structured data: a link per prompt of a large iteration floods a host. */
export const MAX_LINKS = 20;

type Row = Record<string, unknown>;

const rows = (list: readonly unknown[]): Row[] =>
  list.filter((x): x is Row => typeof x === "object" && x !== null);
const str = (v: unknown): string =>
  typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
const cell = (v: unknown): string => str(v).replace(/\|/g, "\\|").replace(/\n/g, " ");

function table(headers: readonly string[], body: readonly (readonly unknown[])[]): string {
  return [
    `| ${headers.join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...body.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

function bullets(title: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : [`## ${title}`, "", ...items.map((i) => `- ${i}`), ""];
}

const markdown = (name: string, uri: string, description?: string): Link => ({
  uri,
  name,
  mimeType: "text/markdown",
  ...(description ? { description } : {}),
});

function promptLinks(list: readonly unknown[], describe: (r: Row) => string): Link[] {
  return rows(list)
    .filter((r) => typeof r.prompt_uri === "string")
    .slice(0, MAX_LINKS)
    .map((r) => markdown(str(r.prompt_uri).replace(/^.*\//, ""), str(r.prompt_uri), describe(r)));
}

// claim_assignment: the prompt itself, as the Markdown the agent reads.

export function renderClaim(r: {
  prompt?: string;
  deliverables?: string[];
  workdir?: string;
  next: string;
}): string {
  if (r.prompt === undefined) return r.next;
  return [
    `Deliverables: ${(r.deliverables ?? []).map((d) => `\`${d}\``).join(", ")}`,
    ...(r.workdir ? [`Workdir (your git worktree; the paths are relative to it): \`${r.workdir}\``] : []),
    "",
    "---",
    "",
    r.prompt,
  ].join("\n");
}

export function linksOfClaim(r: { prompt_uri?: string; assignment_id: string | null }): Link[] {
  return r.prompt_uri ? [markdown(`prompt of ${r.assignment_id}`, r.prompt_uri)] : [];
}

// generate_prompts: one row per assignment.

export function renderGenerate(r: { assignments: readonly unknown[]; path: string }): string {
  const list = rows(r.assignments);
  // Isolated iterations: each assignment's git worktree (its workdir) gets a column.
  const isolated = list.some((a) => a.workdir !== undefined);
  return [
    `Folder: \`${r.path}\``,
    "",
    table(
      [
        "assignment",
        "role",
        "targets",
        "est. tokens",
        "budget",
        "risk",
        "prompt",
        ...(isolated ? ["workdir"] : []),
      ],
      list.map((a) => [
        a.id,
        a.role,
        Array.isArray(a.targets) ? a.targets.length : "",
        a.estimated_tokens,
        a.token_budget,
        (a.risk as Row | undefined)?.level,
        a.prompt_uri,
        ...(isolated ? [a.workdir] : []),
      ]),
    ),
  ].join("\n");
}

export function linksOfGenerate(r: { assignments: readonly unknown[]; dry_run: boolean }): Link[] {
  return r.dry_run ? [] : promptLinks(r.assignments, (a) => `prompt for ${str(a.role)} (${str(a.id)})`);
}

// validate_iteration and submit_assignment: failures with their reasons.

function failureLines(failures: readonly { assignment_id?: string | null; check: string; reason: string }[]) {
  return failures.map((f) => `${f.assignment_id ? `\`${f.assignment_id}\` ` : ""}[${f.check}] ${f.reason}`);
}

export function renderValidate(r: {
  iteration_id: string;
  failures: { assignment_id: string | null; check: string; reason: string }[];
  needs_review: string[];
  rework: readonly unknown[];
  failed_assignments: string[];
}): string {
  const lines = [
    ...bullets("Failures", failureLines(r.failures)),
    ...bullets(
      "Rework prompts",
      rows(r.rework).map(
        (w) =>
          `\`${str(w.assignment_id)}\` attempt ${str(w.attempt)}/${str(w.max_attempts)}: ${str(w.prompt_uri)}`,
      ),
    ),
    ...bullets(
      "Out of attempts",
      r.failed_assignments.map((a) => `\`${a}\``),
    ),
    ...bullets("Needs a person's review", r.needs_review),
    `Report: ${iterationUri(r.iteration_id, "validation")}`,
  ];
  return lines.join("\n");
}

export function linksOfValidate(r: {
  iteration_id: string;
  assignment_id: string | null;
  rework: readonly unknown[];
}): Link[] {
  return [
    ...(r.assignment_id === null
      ? [markdown("VALIDATION.md", iterationUri(r.iteration_id, "validation"), "the validation report")]
      : []),
    ...promptLinks(r.rework, (w) => `rework prompt for ${str(w.assignment_id)}`),
  ];
}

export function renderSubmit(r: {
  failures: { assignment_id: string | null; check: string; reason: string }[];
  rework_prompt?: string;
}): string {
  const lines = bullets("Failures", failureLines(r.failures));
  if (r.rework_prompt) lines.push("---", "", r.rework_prompt);
  return lines.join("\n");
}

// review_iteration.

export function renderReview(r: { rework: readonly unknown[] }): string {
  return bullets(
    "Rework prompts",
    rows(r.rework).map((w) => `\`${str(w.assignment_id)}\` (${str(w.role)}): ${str(w.prompt_uri)}`),
  ).join("\n");
}

export function linksOfReview(r: {
  iteration_id: string;
  decision: string;
  rework: readonly unknown[];
}): Link[] {
  if (r.decision === "none") return [];
  return [
    markdown(
      "VALIDATION.md",
      iterationUri(r.iteration_id, "validation"),
      "the validation report with every review",
    ),
    ...promptLinks(r.rework, (w) => `rework prompt for ${str(w.assignment_id)}`),
  ];
}

// create_iteration: the folder's files.

export function renderCreate(r: { path: string; iteration_id: string }): string {
  return `Folder: \`${r.path}\` (CONTEXT.md, COMPLETION_CRITERIA.md, README.md)`;
}

export function linksOfCreate(r: { iteration_id: string }): Link[] {
  return [
    markdown(
      "CONTEXT.md",
      iterationUri(r.iteration_id, "context"),
      "what every agent of the iteration reads",
    ),
    markdown("COMPLETION_CRITERIA.md", iterationUri(r.iteration_id, "criteria")),
  ];
}

// get_status: runs, iterations and their assignments.

export function renderStatus(r: { runs: readonly unknown[]; next: string[] }): string {
  const lines: string[] = [];
  for (const run of rows(r.runs)) {
    lines.push(`## Run ${str(run.id)} (${str(run.workflow)}): ${str(run.status)}`, "");
    for (const it of rows(Array.isArray(run.iterations) ? run.iterations : [])) {
      const assignments = rows(Array.isArray(it.assignments) ? it.assignments : []);
      lines.push(
        `- **${str(it.name)}** \`${str(it.id)}\`: ${str(it.state)}, ${Math.round(Number(it.progress ?? 0) * 100)}% written, ${assignments.length + Number(it.assignments_omitted ?? 0)} assignment(s)${assignments.some((a) => a.stalled) ? ", some stalled" : ""}`,
      );
    }
    const waiting = Array.isArray(run.not_created) ? run.not_created : [];
    if (waiting.length > 0) lines.push(`- not created yet: ${waiting.join(", ")}`);
    lines.push("");
  }
  lines.push(...bullets("Next", r.next));
  return lines.join("\n");
}

// decompose_task: the plan.

export function renderDecompose(r: {
  status: string;
  iterations: readonly unknown[];
  mermaid?: string;
  instructions?: string;
}): string {
  if (r.status === "needs_plan") return r.instructions ?? "";
  const lines = rows(r.iterations).map(
    (it) =>
      `- **${str(it.name)}**: ${str(it.goal)}${Array.isArray(it.dependencies) && it.dependencies.length ? ` (after ${it.dependencies.join(", ")})` : ""}`,
  );
  if (r.mermaid) lines.push("", "```mermaid", r.mermaid, "```");
  return lines.join("\n");
}

// record_feedback: the learnings.

export function renderFeedback(r: { learnings: readonly unknown[]; learnings_file: string }): string {
  return [
    ...bullets(
      "Learnings",
      rows(r.learnings).map((l) => `\`${str(l.id)}\` (${str(l.kind)}): ${str(l.text)}`),
    ),
    `Editable in \`${r.learnings_file}\`.`,
  ].join("\n");
}
