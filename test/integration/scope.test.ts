import { describe, expect } from "vitest";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { validateIteration } from "../../src/engine/validation.js";
import { test } from "../helpers/fixtures.js";
import { gitRepo } from "../helpers/git.js";
import { writeFiles } from "../helpers/temp.js";

// The `scope` check through validate_iteration: files created or changed since the iteration was
// materialized that are not declared deliverables fail it, in a git repository and outside one.

const WORKFLOW = `workflow:
  name: scoped
  description: One writer with a scope check
  iterations:
    - name: write
      goal: Write the note and nothing else
      agents:
        - role: tech_writer
          deliverables: ["notes/summary.md"]
      completion_criteria:
        - { check: scope }
`;

const NOTE = `# Summary\n\n${"The note says what changed and why, in plain words. ".repeat(6)}\n`;

async function setup(dir: string, engine: EngineContext, git: boolean) {
  writeFiles(dir, { ".baton/workflows/scoped.yaml": WORKFLOW, "src/app.ts": "export const a = 1;\n" });
  if (git) gitRepo(dir, "start");
  const created = await createIteration(engine, { workflow: "scoped" });
  await generatePrompts(engine, { iteration_id: created.iteration_id });
  return created.iteration_id;
}

describe.each([
  ["a git repository", true],
  ["a plain folder (size/mtime snapshot)", false],
])("scope in %s", (_name, git) => {
  test("passes when only the declared deliverable was written", async ({ dir, baton: { engine } }) => {
    const iterationId = await setup(dir, engine, git);
    writeFiles(dir, { "notes/summary.md": NOTE });
    const report = await validateIteration(engine, { iteration_id: iterationId });
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(true);
  });

  test("fails naming each file changed or created outside the deliverables", async ({
    dir,
    baton: { engine },
  }) => {
    const iterationId = await setup(dir, engine, git);
    writeFiles(dir, {
      "notes/summary.md": NOTE,
      "src/app.ts": "export const a = 2; // grown\n",
      "stray.txt": "x\n",
    });
    const report = await validateIteration(engine, { iteration_id: iterationId });
    expect(report.passed).toBe(false);
    const scope = report.failures.filter((f) => f.check === "scope");
    expect(scope).toHaveLength(1);
    expect(scope[0]?.assignment_id).toBeNull();
    expect(scope[0]?.reason).toContain("src/app.ts");
    expect(scope[0]?.reason).toContain("stray.txt");
    expect(scope[0]?.reason).not.toContain("notes/summary.md");
  });
});
