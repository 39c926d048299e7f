/** Ids people type: `user-story-refinement-1-i01`, `product-analyst-02`. */

export function iterationId(runId: string, seq: number): string {
  return `${runId}-i${String(seq).padStart(2, "0")}`;
}

export function iterationFolder(runId: string, seq: number, name: string): string {
  return `iterations/${runId}/${String(seq).padStart(2, "0")}-${name}`;
}

export function localAssignmentId(role: string, n: number): string {
  return `${role.replaceAll("_", "-")}-${String(n).padStart(2, "0")}`;
}

/** Globally unique: the iteration id and the local id, e.g. `user-story-refinement-1-i01/developer-01`. */
export function assignmentId(iterationId: string, localId: string): string {
  return `${iterationId}/${localId}`;
}

/** The rework prompt of an assignment's latest failed attempt, if any. */
export function reworkPromptPath(
  iterationPath: string,
  assignment: { attempts: number; state: string; local_id: string },
): string | undefined {
  if (assignment.attempts === 0 || assignment.state === "passed") return undefined;
  return `${iterationPath}/agent-prompts/${assignment.local_id}-rework-${assignment.attempts}.md`;
}
