import { describe, expect } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { submitAssignment } from "../../src/engine/submit.js";
import type { Store } from "../../src/store/api.js";
import { test } from "../helpers/fixtures.js";
import { notesIteration, notesWorkflow, stories } from "../helpers/items.js";
import { roleYaml, writeFiles } from "../helpers/temp.js";

// Risk's role history counts an overrun only when an agent's reported usage exceeded the role's
// token budget: usage at the budget, however far above the estimate, is not an overrun.

const FAITHFUL = { agent: ["complexity_per_target: 1"], criteria: ["Notes are faithful"] };

test.override({
  files: {
    ...stories("a", ["one", "two"]),
    ...stories("b", ["three"]),
    ".baton/workflows/batches.yaml": notesWorkflow("batches", "Two batches by one role", [
      notesIteration("first", "a", FAITHFUL),
      notesIteration("second", "b", { ...FAITHFUL, dependsOn: "first" }),
    ]),
    // At most one target per instance: two assignments in the first batch.
    ".baton/roles/writer.yaml": roleYaml("Writer", 30000, 1),
  },
});

describe("risk history", () => {
  let dir: string;
  let store: Store;
  let engine: EngineContext;

  test.beforeEach(({ dir: workspace, baton }) => {
    dir = workspace;
    ({ store, engine } = baton);
  });

  async function runFirstBatch(tokensUsed: number): Promise<string> {
    const created = await createIteration(engine, { workflow: "batches" });
    const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
    expect(generated.assignments).toHaveLength(2);
    for (const a of generated.assignments) {
      // Far above the estimate of a one-paragraph story.
      expect(a.estimated_tokens).toBeLessThan(tokensUsed / 2);
      const claim = claimAssignment(engine, { agent: "tester", iteration_id: created.iteration_id });
      expect(claim.assignment_id).toBe(a.id);
      writeFiles(dir, {
        [a.deliverables[0] as string]: `# Note\n\n${"A faithful summary of the story. ".repeat(10)}\n`,
      });
      const submitted = await submitAssignment(engine, { assignment_id: a.id, tokens_used: tokensUsed });
      expect(submitted.failures).toEqual([]);
    }
    return created.run_id;
  }

  async function secondBatchRisk(runId: string): Promise<string[]> {
    const created = await createIteration(engine, { run_id: runId, iteration: "second", force: true });
    const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
    return generated.assignments.flatMap((a) => a.risk.reasons);
  }

  test("two submits of 30,000 tokens against a 30,000 budget are not overruns", async () => {
    const runId = await runFirstBatch(30000);
    expect(store.roleHistory("batches", "writer", "none", 30000)).toMatchObject({
      assignments: 2,
      overruns: 0,
    });
    const reasons = await secondBatchRisk(runId);
    expect(reasons.join("\n")).not.toMatch(/overrun/);
  });

  test("usage above the budget is an overrun", async () => {
    const runId = await runFirstBatch(30001);
    expect(store.roleHistory("batches", "writer", "none", 30000)).toMatchObject({ overruns: 2 });
    const reasons = await secondBatchRisk(runId);
    expect(reasons.join("\n")).toMatch(/2 budget overrun\(s\) in 2 earlier assignment\(s\)/);
  });
});
