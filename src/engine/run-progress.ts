import type { EngineContext } from "./engine.js";
import { resolveIteration } from "./resolve.js";

/** Where a run stands after one of its iterations changed: what can be created next, or that it is complete. */
export interface RunProgress {
  run_id: string;
  /** Iterations not yet created whose dependencies have all passed. */
  ready: string[];
  /** Every iteration of the workflow exists and passed. */
  complete: boolean;
}

export function runProgress(ctx: EngineContext, iterationId: string): RunProgress {
  const { run, workflow } = resolveIteration(ctx, iterationId);
  const states = new Map(ctx.store.listIterations(run.id).map((it) => [it.name, it.state]));
  const specs = workflow.spec.iterations;
  return {
    run_id: run.id,
    ready: specs
      .filter((it) => !states.has(it.name) && it.dependencies.every((d) => states.get(d) === "passed"))
      .map((it) => it.name),
    complete: specs.every((it) => states.get(it.name) === "passed"),
  };
}
