/**
 * Every `baton://` URI, built in one place: the engine puts them in results, resources register
 * them, live updates notify about them. A change of scheme is one edit here.
 */
/** The RFC 6570 templates the resources register, next to the builders that fill them. */
export const URI_TEMPLATES = {
  workflows: "baton://workflows",
  workflow: "baton://workflows/{name}",
  role: "baton://roles/{name}",
  learnings: "baton://learnings/{workflow}",
  run: "baton://runs/{run_id}",
  runEstimates: "baton://runs/{run_id}/estimates",
  runEstimatesPage: "baton://runs/{run_id}/estimates/{page}",
  iterationFile: (part: IterationPart) => `baton://iterations/{iteration_id}/${part}`,
  prompt: "baton://iterations/{iteration_id}/prompts/{assignment}",
} as const;

export function runUri(runId: string): string {
  return `baton://runs/${runId}`;
}

/** A run's estimates: the summary with the first page of assignments, or page `page` (from 2). */
export function runEstimatesUri(runId: string, page?: number): string {
  return page === undefined ? `baton://runs/${runId}/estimates` : `baton://runs/${runId}/estimates/${page}`;
}

/** An iteration's folder files as resources (`prompts` is the prefix of the prompt resources). */
export type IterationPart =
  | "manifest"
  | "context"
  | "criteria"
  | "readme"
  | "validation"
  | "feedback"
  | "prompts";

export function iterationUri(iterationId: string, part: IterationPart): string {
  return `baton://iterations/${iterationId}/${part}`;
}

export function promptUri(iterationId: string, localId: string): string {
  return `baton://iterations/${iterationId}/prompts/${localId}`;
}

export function workflowUri(name: string): string {
  return `baton://workflows/${name}`;
}

export function roleUri(name: string): string {
  return `baton://roles/${name}`;
}

export function learningsUri(workflow: string): string {
  return `baton://learnings/${workflow}`;
}
