import { describe, expect } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { recordFeedback } from "../../src/engine/feedback.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { submitAssignment } from "../../src/engine/submit.js";
import { test } from "../helpers/fixtures.js";
import { notesIteration, notesWorkflow, stories } from "../helpers/items.js";
import { roleYaml, writeFiles } from "../helpers/temp.js";

// One synthesis's learnings agree: agents whose measured output was a third of the estimate and
// who also said they ran out of budget get one recalibration (the measured one), not a lower
// tokens-per-point and a smaller allocation at once; a message two agents repeat is quoted once.

test.override({
  files: {
    ...stories("a", ["one", "two"]),
    ".baton/workflows/notes.yaml": notesWorkflow("notes", "One batch of notes", [
      notesIteration("first", "a", { agent: ["complexity_per_target: 2"], criteria: ["Notes are faithful"] }),
    ]),
    // At most one target per instance, two assignments.
    ".baton/roles/writer.yaml": roleYaml("Writer", 30000, 1),
  },
});

const MESSAGE = "Ran out of token budget before finishing the note";

describe("coherent learnings", () => {
  let dir: string;
  let engine: EngineContext;

  test.beforeEach(({ dir: workspace, baton }) => {
    dir = workspace;
    engine = baton.engine;
  });

  test("one recalibration per role and lever; a repeated message is quoted once", async () => {
    const created = await createIteration(engine, { workflow: "notes" });
    const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
    expect(generated.assignments).toHaveLength(2);
    for (const a of generated.assignments) {
      const claim = claimAssignment(engine, { agent: "tester", iteration_id: created.iteration_id });
      expect(claim.assignment_id).toBe(a.id);
      writeFiles(dir, { [a.deliverables[0] as string]: `# Note\n\n${"A faithful note. ".repeat(20)}\n` });
      const { estimate } = a;
      // A third of the estimated output, on top of the prompt and reading.
      const used = estimate.prompt_tokens + estimate.input_tokens + Math.round(estimate.output_tokens / 3);
      await submitAssignment(engine, { assignment_id: a.id, tokens_used: used });
    }
    let synthesis = recordFeedback(engine, {
      iteration_id: created.iteration_id,
      assignment_id: generated.assignments[0]?.id,
      category: "token_budget",
      message: MESSAGE,
    });
    synthesis = recordFeedback(engine, {
      iteration_id: created.iteration_id,
      assignment_id: generated.assignments[1]?.id,
      category: "token_budget",
      message: MESSAGE,
    });
    const writer = synthesis.learnings.filter((l) => l.role === "writer");
    const calibrations = writer.filter((l) => l.action?.tokens_per_point !== undefined);
    expect(calibrations.map((l) => l.id)).toEqual(["calibrate-writer-tokens-per-point"]);
    expect(writer.filter((l) => l.action?.complexity_threshold !== undefined)).toEqual([]);
    // The budget complaint stays visible to a person, without its action.
    const budget = writer.find((l) => l.id === "allocation-writer-token-budget");
    expect(budget).toMatchObject({ kind: "flag", action: undefined });
    expect(budget?.text).toContain("Not applied: `calibrate-writer-tokens-per-point`");
    expect(budget?.text.split(MESSAGE)).toHaveLength(2);
  });
});
