import { createIteration } from "../engine/create-iteration.js";
import type { EngineContext } from "../engine/engine.js";
import { type GeneratePromptsResult, generatePrompts, previewIteration } from "../engine/generate.js";
import { type Output, table } from "./output.js";

export interface GenerateOptions {
  workflow?: string;
  config?: string;
  targets?: string[];
  output?: string;
  iteration?: string;
  inputs?: Record<string, string>;
  runId?: string;
  dryRun?: boolean;
  force?: boolean;
}

/**
 * `baton generate`: the seed's generate_prompts.py. Creates (or continues) a run, materializes the
 * iteration and writes its prompts, then prints the allocation table.
 */
export async function generateCommand(
  engine: EngineContext,
  options: GenerateOptions,
  out: Output,
): Promise<number> {
  const workflow = options.config ?? options.workflow;
  if (options.config && options.workflow) {
    const loaded = engine.catalog.workflow(options.config);
    if (loaded.name !== options.workflow) {
      out.error(
        `baton: --config ${options.config} defines workflow \`${loaded.name}\`, not \`${options.workflow}\``,
      );
      return 1;
    }
  }
  const args = {
    ...(options.runId ? { run_id: options.runId } : { workflow }),
    iteration: options.iteration,
    inputs: options.inputs,
    output: options.output,
    targets: options.targets,
    force: options.force,
  };
  let result: GeneratePromptsResult;
  if (options.dryRun) {
    const preview = await previewIteration(engine, args);
    out.log(
      `dry run: iteration ${preview.iteration} of ${preview.run_id} would be written to ${preview.path}`,
    );
    result = preview;
  } else {
    const created = await createIteration(engine, args);
    result = await generatePrompts(engine, { iteration_id: created.iteration_id });
    out.log(
      `run ${created.run_id}, iteration ${created.iteration} (${created.iteration_id}) → ${created.path}`,
    );
    if (created.missing_references.length > 0)
      out.log(
        `missing references (declared, not in the workspace): ${created.missing_references.join(", ")}`,
      );
  }
  out.log(allocationTable(result));
  out.log(
    `${result.totals.assignments} assignment(s), ${result.totals.targets} target(s), ~${result.totals.estimated_tokens} tokens; ` +
      `${result.totals.over_budget} over budget, ${result.totals.high_risk} high risk`,
  );
  if (!result.dry_run) out.log(`wrote ${result.path}/agent-prompts/ and ${result.path}/manifest.json`);
  return 0;
}

export function allocationTable(result: GeneratePromptsResult): string {
  return table(
    ["assignment", "role", "targets", "tokens / budget", "risk"],
    result.assignments.map((a) => [
      a.local_id,
      a.role,
      a.targets.length === 0
        ? "-"
        : a.targets.length <= 3
          ? a.targets.join(", ")
          : `${a.targets.length} files`,
      `${a.estimated_tokens} / ${a.token_budget}${a.estimated_tokens > a.token_budget ? " OVER" : ""}`,
      `${a.risk.level} ${a.risk.score.toFixed(2)}`,
    ]),
  );
}
