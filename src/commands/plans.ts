import type { EngineContext } from "../engine/engine.js";
import { listPlans, removePlan } from "../engine/plans.js";
import { type Output, table } from "./output.js";

/** `baton plans [--json]`: the plans decompose_task saved (`keep: true`) with their runs. */
export function plansCommand(engine: EngineContext, options: { json?: boolean }, out: Output): number {
  const plans = listPlans(engine);
  if (options.json) {
    out.log(JSON.stringify(plans, null, 2));
    return 0;
  }
  if (plans.length === 0) {
    out.log("no saved plans (decompose_task saves one in .baton/workflows/ with keep: true)");
    return 0;
  }
  out.log(
    table(
      ["plan", "runs", "active", "task"],
      plans.map((p) => [p.name, String(p.runs), String(p.active_runs), p.task]),
    ),
  );
  return 0;
}

/** `baton plans remove <name>`: deletes a saved plan's file; its runs keep their own snapshot. */
export function removePlanCommand(engine: EngineContext, name: string, out: Output): number {
  const plan = removePlan(engine, name);
  out.log(
    `removed ${plan.file}${plan.runs > 0 ? `; its ${plan.runs} run(s) keep their own copy of the plan` : ""}`,
  );
  return 0;
}
