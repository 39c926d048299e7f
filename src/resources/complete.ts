import type { EngineContext } from "../engine/engine.js";
import { listAssignments, listIterations, listRoles, listRuns, listWorkflows } from "../engine/queries.js";

/**
 * Answers `completion/complete` for resource-template variables and prompt arguments: the ids a
 * person would otherwise copy from get_status, filtered by what they typed so far.
 */

/** MCP caps a completion at 100 values. */
const MAX_VALUES = 100;

export type IdKind = "workflow" | "role" | "run" | "iteration" | "assignment";

/** Values containing `typed` (case-insensitive), those starting with it first. */
export function matching(values: readonly string[], typed: string): string[] {
  const needle = typed.toLowerCase();
  const hits = values.filter((v) => v.toLowerCase().includes(needle));
  const first = hits.filter((v) => v.toLowerCase().startsWith(needle));
  return [...new Set([...first, ...hits])].slice(0, MAX_VALUES);
}

/** The ids of a kind; assignments are those of `context.iteration_id` when given (local ids, as the URI takes). */
export function idsOf(engine: EngineContext, kind: IdKind, context: Record<string, string> = {}): string[] {
  switch (kind) {
    case "workflow":
      return listWorkflows(engine).map((w) => w.name);
    case "role":
      return listRoles(engine).map((r) => r.key);
    case "run":
      return listRuns(engine).map((r) => r.id);
    case "iteration":
      return listIterations(engine).map((it) => it.id);
    case "assignment": {
      const iterations = listIterations(engine).filter(
        (it) => context.iteration_id === undefined || it.id === context.iteration_id,
      );
      return iterations.flatMap((it) => listAssignments(engine, it).map((a) => a.local_id));
    }
  }
}

/** Which ids a template variable takes: `{name}` depends on the resource, the others are their own. */
export function idKindOf(resource: string, variable: string): IdKind | undefined {
  if (variable === "name")
    return resource === "role" ? "role" : resource === "workflow" ? "workflow" : undefined;
  return (
    { workflow: "workflow", run_id: "run", iteration_id: "iteration", assignment: "assignment" } as const
  )[variable];
}

export function completer(
  engine: EngineContext,
  kind: IdKind,
): (value: string, context?: { arguments?: Record<string, string> }) => string[] {
  return (value, context) => matching(idsOf(engine, kind, context?.arguments), value);
}
