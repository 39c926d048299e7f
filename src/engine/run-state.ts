import type { EngineContext } from "./engine.js";
import type { IterationBundle } from "./resolve.js";

/**
 * A run is completed when every iteration of its workflow exists and passed, however it was
 * driven (MCP calls or orchestrate); a later failed validation of one of them reopens it.
 */
export function settleRun(engine: EngineContext, { run, workflow }: IterationBundle, passed: boolean): void {
  const { store } = engine;
  if (!passed) {
    if (run.status === "completed") store.setRunStatus(run.id, "active");
    return;
  }
  const states = new Map(store.listIterations(run.id).map((it) => [it.name, it.state]));
  if (run.status === "active" && workflow.spec.iterations.every((it) => states.get(it.name) === "passed"))
    store.setRunStatus(run.id, "completed");
}
