import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EXAMPLE_WORKSPACE_DIR, STAND_IN_AGENT } from "../config/package-paths.js";
import { Workspace } from "../config/workspace.js";
import { createIteration } from "../engine/create-iteration.js";
import { createEngine } from "../engine/engine.js";
import { generatePrompts } from "../engine/generate.js";
import { learningsFile } from "../engine/learnings.js";
import { listIterations, listRuns } from "../engine/queries.js";
import { defaultStoreFile, openStore } from "../store/index.js";
import { orchestrateCommand } from "./orchestrate.js";
import type { Output } from "./output.js";

const WORKFLOW = "user-story-refinement";

/**
 * `baton demo` (`npm run demo`): a whole orchestration on a temporary copy of the example
 * workspace, with the bundled deterministic stand-in agent as launcher (no LLM, no API key).
 */
export async function demoCommand(
  options: { dir?: string; intervalS?: number },
  out: Output,
): Promise<number> {
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), "baton-demo-"));
  cpSync(EXAMPLE_WORKSPACE_DIR, dir, { recursive: true });
  out.log(`Baton demo: ${WORKFLOW} on a copy of the example workspace in ${dir}`);
  out.log(
    "Agents are a deterministic STAND-IN (no LLM): two stories first come back without acceptance criteria.\n",
  );
  const workspace = new Workspace(dir);
  const store = openStore(defaultStoreFile(dir));
  try {
    const engine = createEngine({ workspace, store });
    const code = await orchestrateCommand(
      engine,
      {
        workflow: WORKFLOW,
        launcher: `${shellWord(process.execPath)} ${shellWord(STAND_IN_AGENT)}`,
        parallel: 4,
        intervalS: options.intervalS ?? 0.2,
      },
      out,
    );
    if (code !== 0) return code;
    const run = listRuns(engine).at(-1);
    const first = run && listIterations(engine, run.id)[0];
    // A second run shows the lesson of the first in its prompts.
    const next = await createIteration(engine, { workflow: WORKFLOW });
    const generated = await generatePrompts(engine, { iteration_id: next.iteration_id });
    const prompt = generated.assignments[0]?.prompt_path;
    const text = prompt ? readFileSync(path.join(dir, prompt), "utf8") : "";
    const lesson = (text.match(/^- .*Acceptance Criteria.*missed it.*$/m) ??
      text.match(/^- .*missed it.*$/m))?.[0];
    out.log("\nWhere to look:");
    if (first) {
      out.log(
        `  ${path.join(dir, first.path, "agent-prompts", "product-analyst-01-rework-1.md")}   the failed checks, as the rework prompt names them`,
      );
      out.log(`  ${path.join(dir, first.path, "VALIDATION.md")}   the final validation (attempts: 1 rework)`);
      out.log(`  ${path.join(dir, first.path, "FEEDBACK.md")}   feedback and learnings`);
    }
    const learnings = learningsFile(dir, WORKFLOW);
    if (existsSync(learnings)) out.log(`  ${learnings}   learnings (edit or disable them)`);
    if (prompt) out.log(`  ${path.join(dir, prompt)}   the next run's prompt, which carries the lesson:`);
    if (lesson) out.log(`      ${lesson}`);
    out.log(`\nExplore it: npx baton -w ${dir} monitor, or point an MCP host at \`baton -w ${dir} serve\`.`);
    return 0;
  } finally {
    store.close();
  }
}

function shellWord(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
