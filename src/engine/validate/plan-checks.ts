import { z } from "zod";
import { loadOperatorConfig, OPERATOR_CONFIG_PATH, type OperatorConfig } from "../../config/operator.js";
import { patternMatcher } from "../../config/placeholders.js";
import { type Check, checkSchema } from "../../config/schema.js";
import type { Workspace } from "../../config/workspace.js";
import { ConfigError, quoteList, UserError } from "../../errors.js";

/**
 * The machine checks a subtask of a `decompose_task` plan may carry: any kind of the registry,
 * validated by the same schema as a workflow's checks. What only the operator may write (an inline
 * `run:`) is refused by `planCheckProblems`, which also needs the workspace.
 */
export const planChecksSchema = z.array(checkSchema).max(20).optional();

/** What the plan instructions tell the host (or the sampled model) about subtask checks. */
export const PLAN_CHECKS_INSTRUCTIONS =
  'A subtask may list `checks`: machine checks of its deliverables in the workflow check format, e.g. {"check": "headings", "deliverable": "tasks/x/design.md", "headings": ["Overview"]}. File checks name one of the subtask\'s deliverables (`deliverable`); `{"check": "command", "name": "test"}` runs a command the operator declared in .baton/config.yaml (add `"optional": true` to skip it when undeclared). A plan may not give a shell command line (`run`).';

interface PlanSubtask {
  deliverables: string[];
  checks?: Check[] | undefined;
}
interface PlanShape {
  iterations: { name: string; subtasks: PlanSubtask[] }[];
}

/**
 * What is wrong with one check of a plan: an inline `run` (only the operator runs shell lines), a
 * command name the operator did not declare, a `deliverable` that is none of the subtask's.
 */
export function planCheckProblems(
  check: Check,
  deliverables: readonly string[],
  commands: OperatorConfig | string,
): string[] {
  const problems: string[] = [];
  if (check.run !== undefined) {
    problems.push(
      `a plan may not contain \`run\` (a shell command line); name a command the operator declared in ${OPERATOR_CONFIG_PATH} with \`name\` instead`,
    );
  }
  const undeclared = undeclaredCommand(check, commands);
  if (undeclared) problems.push(`${undeclared}; name a declared one, or add \`"optional": true\``);
  if (check.deliverable !== undefined) {
    const matches = patternMatcher(check.deliverable, {});
    if (!deliverables.some(matches)) {
      problems.push(
        `\`deliverable\` "${check.deliverable}" is none of the subtask's deliverables (${quoteList(deliverables)})`,
      );
    }
  }
  return problems;
}

/** Why a check's command `name` cannot run: not declared (and not optional), or the config is broken. */
function undeclaredCommand(check: Check, commands: OperatorConfig | string): string | undefined {
  if (check.name === undefined || check.optional === true) return undefined;
  if (typeof commands === "string") return commands;
  if (commands.commands.has(check.name)) return undefined;
  const declared =
    commands.file === null
      ? `there is no ${OPERATOR_CONFIG_PATH}`
      : `declared commands: ${quoteList(commands.commands.keys())}`;
  return `command \`${check.name}\` is not declared (${declared})`;
}

/**
 * A workflow's command checks whose `name` the operator did not declare (optional ones aside), as
 * `iteration <name>: command ...` lines, so `baton check` reports them before any run does.
 */
export function workflowCommandProblems(
  iterations: readonly { name: string; completion_criteria: readonly unknown[] }[],
  workspace: Workspace,
): string[] {
  let commands: OperatorConfig | string | undefined;
  const problems: string[] = [];
  for (const iteration of iterations) {
    for (const criterion of iteration.completion_criteria) {
      if (typeof criterion !== "object" || criterion === null) continue;
      const check = criterion as Check;
      if (check.check !== "command" || check.name === undefined) continue;
      commands ??= operatorConfig(workspace);
      const undeclared = undeclaredCommand(check, commands);
      if (undeclared) problems.push(`iteration \`${iteration.name}\`: ${undeclared}`);
    }
  }
  return problems;
}

/** Every problem of every subtask check of a plan, located as `iterations.<i>.subtasks.<j>.checks.<k>`. */
export function planChecksProblems(plan: PlanShape, workspace: Workspace): string[] {
  let commands: OperatorConfig | string | undefined;
  const config = () => {
    commands ??= operatorConfig(workspace);
    return commands;
  };
  const problems: string[] = [];
  plan.iterations.forEach((iteration, i) => {
    iteration.subtasks.forEach((subtask, j) => {
      (subtask.checks ?? []).forEach((check, k) => {
        const found = planCheckProblems(
          check,
          subtask.deliverables,
          check.name === undefined ? "" : config(),
        );
        for (const p of found) problems.push(`iterations.${i}.subtasks.${j}.checks.${k}: ${p}`);
      });
    });
  });
  return problems;
}

function operatorConfig(workspace: Workspace): OperatorConfig | string {
  try {
    return loadOperatorConfig(workspace);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UserError)
      return `command names cannot be checked: ${error.message}`;
    throw error;
  }
}

/**
 * A subtask's checks as completion criteria of its iteration. A check of the workspace as a whole
 * (`command`, `scope`) is given the subtask's first deliverable, so it runs with the subtask's
 * assignment and a failure reaches that assignment's rework prompt.
 */
export function subtaskCriteria(subtask: PlanSubtask): Check[] {
  return (subtask.checks ?? []).map((check) =>
    check.deliverable !== undefined || check.path !== undefined
      ? check
      : { ...check, deliverable: subtask.deliverables[0] as string },
  );
}
