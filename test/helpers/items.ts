import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import type { Store } from "../../src/store/api.js";
import type { NewAssignment } from "../../src/store/records.js";

// The workspace most run-level tests (and bench/scale.ts) need: files under items/ and a workflow
// with one developer instance per item. No vitest here: the benchmark imports this module too.

export interface ItemsWorkflowOptions {
  description?: string;
  /** Top-level settings before `iterations:`, e.g. `stall_minutes: 5`, `max_attempts: 1`, inputs. */
  settings?: string[];
  iteration?: string;
  goal?: string;
  deliverable?: string;
  /** Further settings of the developer agent, e.g. `update_in_place: true`. */
  agent?: string[];
  /** Flow-style completion criteria of the items iteration, e.g. `{ check: scope }`. */
  criteria?: string[];
  /** Further iterations (YAML list items indented by four spaces), after the items iteration. */
  after?: string;
}

/** A workflow `name` whose first iteration runs one developer per `items/*.md`, writing `out/{item_id}.md`. */
export function itemsWorkflow(name: string, options: ItemsWorkflowOptions = {}): string {
  const deliverable = options.deliverable ?? "out/{item_id}.md";
  const settings = (options.settings ?? []).map((line) => `  ${line}\n`).join("");
  const agent = (options.agent ?? []).map((line) => `          ${line}\n`).join("");
  const criteria = options.criteria?.length
    ? `      completion_criteria:\n${options.criteria.map((c) => `        - ${c}\n`).join("")}`
    : "";
  return `workflow:
  name: ${name}
  description: ${options.description ?? "One developer per item"}
${settings}  iterations:
    - name: ${options.iteration ?? "write"}
      goal: ${options.goal ?? "Write one file per item"}
      agents:
        - role: developer
          targets: ["items/*.md"]
          deliverables: ["${deliverable}"]
${agent}${criteria}${options.after ?? ""}agent_roles:
  developer: { complexity_threshold: 1 }
`;
}

/** An items workflow whose developers write one note per item under notes/. */
export const NOTE_PER_ITEM: ItemsWorkflowOptions = {
  description: "One note per item",
  iteration: "write-notes",
  goal: "Write one note per item",
  deliverable: "notes/{item_id}.md",
};

/** The `headings` check on each item's deliverable that a seeded or benchmarked run fails or passes. */
export const RESULT_HEADING = `{ check: headings, deliverable: "out/{item_id}.md", headings: ["Result"] }`;

/**
 * The workflow file and item files of a workspace: `items` names (`a` → items/a.md) or a count
 * (items/item-01.md …, numbered to the count's width).
 */
export function itemsWorkspace(
  name: string,
  items: readonly string[] | number,
  options: ItemsWorkflowOptions = {},
): Record<string, string> {
  const files: Record<string, string> = { [`.baton/workflows/${name}.yaml`]: itemsWorkflow(name, options) };
  if (typeof items === "number") {
    const width = Math.max(2, String(items).length);
    for (let i = 1; i <= items; i++)
      files[`items/item-${String(i).padStart(width, "0")}.md`] = `# Item ${i}\n`;
  } else {
    for (const item of items) files[`items/${item}.md`] = `# ${item.toUpperCase()}\n`;
  }
  return files;
}

/** A new run of `workflow` with its first iteration's prompts generated. */
export async function startIteration(
  engine: EngineContext,
  workflow: string,
  inputs?: Record<string, string>,
): Promise<{
  runId: string;
  iterationId: string;
  path: string;
  assignments: Awaited<ReturnType<typeof generatePrompts>>["assignments"];
}> {
  const created = await createIteration(engine, { workflow, ...(inputs ? { inputs } : {}) });
  const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
  return {
    runId: created.run_id,
    iterationId: created.iteration_id,
    path: created.path,
    assignments: generated.assignments,
  };
}

/** The id of the `i`th seeded assignment (1-based) of an iteration. */
export const seededId = (iterationId: string, i: number): string =>
  `${iterationId}/developer-${String(i).padStart(6, "0")}`;

/**
 * Starts `workflow` (an items workflow over one item) and replaces its assignments by `count`
 * pending ones written straight into the store, all on the first one's prompt: for the sizes of
 * results and the cost of calls at scale, not the speed of creating files.
 */
export async function seedIteration(
  engine: EngineContext,
  store: Store,
  workflow: string,
  count: number,
): Promise<{ runId: string; iterationId: string }> {
  const { runId, iterationId, assignments } = await startIteration(engine, workflow);
  const prompt = assignments[0]?.prompt_path as string;
  const rows: NewAssignment[] = [];
  for (let i = 1; i <= count; i++) {
    const id = seededId(iterationId, i);
    rows.push({
      id,
      iteration_id: iterationId,
      local_id: id.slice(iterationId.length + 1),
      role: "developer",
      targets: [`items/item-${i}.md`],
      deliverables: [`out/item-${i}.md`],
      estimate: { prompt_tokens: 500, input_tokens: 100, output_tokens: 800 },
      risk: { score: 0, level: "low", reasons: [] },
      prompt_path: prompt,
    });
  }
  store.replaceAssignments(iterationId, rows);
  return { runId, iterationId };
}

/** A required `batch` input, for workflows whose runs are told apart by it. */
export const BATCH_INPUT = ["inputs:", "  batch: { description: Batch name, required: true }"];

/** A second iteration: one qa_lead reviews the batch once the items are written. */
export const REVIEW_ITERATION = `    - name: review
      goal: Review the batch
      dependencies: [write]
      agents:
        - role: qa_lead
          deliverables: ["out/{batch}/review.md"]
`;

/**
 * An iteration in which one writer per story of `folder` (`a` → a/*.md) writes notes/{a_id}.md,
 * for workflows made of such iterations (`notesWorkflow`).
 */
export function notesIteration(
  name: string,
  folder: string,
  options: { dependsOn?: string; agent?: string[]; criteria: string[] },
): string {
  const dependencies = options.dependsOn ? `      dependencies: [${options.dependsOn}]\n` : "";
  const agent = (options.agent ?? []).map((line) => `          ${line}\n`).join("");
  return `    - name: ${name}
      goal: Write one note per story
${dependencies}      agents:
        - role: writer
          targets: ["${folder}/*.md"]
          deliverables: ["notes/{${folder}_id}.md"]
${agent}      completion_criteria:
${options.criteria.map((c) => `        - ${c}\n`).join("")}`;
}

/** A workflow of `notesIteration`s. */
export function notesWorkflow(name: string, description: string, iterations: string[]): string {
  return `workflow:\n  name: ${name}\n  description: ${description}\n  iterations:\n${iterations.join("")}`;
}

/** One-paragraph stories under `folder`/ for notes workflows. */
export function stories(folder: string, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    names.map((n) => [`${folder}/${n}.md`, `# ${n[0]?.toUpperCase()}${n.slice(1)}\n\nA story.\n`]),
  );
}

/** A draft whose first iteration waits for a person's approval (`approval: required`), then a publish step. */
export function gatedWorkflow(criteria: readonly string[] = []): string {
  return `workflow:
  name: gated
  description: A draft a person signs off before it is published
  iterations:
    - name: draft
      goal: Write the draft
      approval: required
      agents:
        - role: developer
          deliverables: ["docs/draft.md"]
      completion_criteria:
        - { check: min_bytes, deliverable: "docs/draft.md", bytes: 100 }
        - The draft reads well to a person
${criteria.map((c) => `        - ${c}\n`).join("")}    - name: publish
      goal: Publish it
      dependencies: [draft]
      agents:
        - role: developer
          deliverables: ["docs/published.md"]
`;
}
