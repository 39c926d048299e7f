import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import type { OutputSource } from "../../src/engine/estimate/output-history.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { countTokens } from "../../src/engine/tokens.js";
import { validateIteration } from "../../src/engine/validation.js";
import { test } from "../helpers/fixtures.js";
import { roleYaml, writeFiles } from "../helpers/temp.js";

// #16.2: a passed iteration records the o200k tokens of its deliverables per role with each
// target's size; the next run's estimate for the same iteration uses them — scaled by target size
// when outputs follow it, their mean when they do not — and the manifest says which source it used.

const WORKFLOW = `workflow:
  name: notes
  description: Notes on stories, then a summary
  iterations:
    - name: draft
      goal: Draft a note per story
      agents:
        - role: writer
          targets: ["stories/*.md"]
          deliverables: ["notes/{story_id}.md"]
          complexity_per_target: 2
      completion_criteria:
        - { check: min_bytes, deliverable: "notes/{story_id}.md", bytes: 10 }
    - name: summary
      goal: Summarize the notes
      dependencies: [draft]
      agents:
        - role: writer
          deliverables: ["summary-{run}.md"]
      completion_criteria:
        - { check: min_bytes, deliverable: "summary-{run}.md", bytes: 10 }
`;

const SENTENCE = "As a shopper I want to filter products by size and price so that I find what fits.\n";

interface ManifestAssignment {
  targets: string[];
  deliverables: string[];
  estimate: { output_tokens: number };
  output_source: OutputSource;
}

function setup(dir: string): void {
  const stories: Record<string, string> = {};
  // Stories of clearly different sizes: 1 to 8 paragraphs.
  for (let n = 1; n <= 8; n++) stories[`stories/US-${n}.md`] = `# US-${n}\n\n${SENTENCE.repeat(n * 3)}`;
  writeFiles(dir, {
    ...stories,
    ".baton/workflows/notes.yaml": WORKFLOW.replaceAll("{run}", "{run_tag}").replace(
      "  iterations:",
      "  inputs:\n    run_tag: { description: names the summary file, required: true }\n  iterations:",
    ),
    ".baton/roles/writer.yaml": roleYaml("Writer", 100000, 3),
  });
}

/** Generates an iteration and returns its manifest's assignments. */
async function generate(
  engine: EngineContext,
  dir: string,
  iterationId: string,
): Promise<ManifestAssignment[]> {
  const generated = await generatePrompts(engine, { iteration_id: iterationId });
  const manifest = JSON.parse(readFileSync(path.join(dir, generated.path, "manifest.json"), "utf8")) as {
    assignments: ManifestAssignment[];
  };
  return manifest.assignments;
}

/** Plays the agents: each note is written by `note(story text)`; then the iteration is validated. */
async function work(
  engine: EngineContext,
  dir: string,
  iterationId: string,
  assignments: ManifestAssignment[],
  note: (story: string) => string,
): Promise<void> {
  for (const a of assignments)
    for (const [i, d] of a.deliverables.entries()) {
      const target = a.targets[i];
      writeFiles(dir, { [d]: note(target ? readFileSync(path.join(dir, target), "utf8") : "the notes") });
    }
  const report = await validateIteration(engine, { iteration_id: iterationId });
  expect(report.passed, JSON.stringify(report.failures)).toBe(true);
}

async function firstRun(engine: EngineContext, dir: string, note: (story: string) => string) {
  setup(dir);
  const created = await createIteration(engine, { workflow: "notes", inputs: { run_tag: "one" } });
  const assignments = await generate(engine, dir, created.iteration_id);
  for (const a of assignments) expect(a.output_source.source).toBe("tokens_per_point");
  await work(engine, dir, created.iteration_id, assignments, note);
  return created;
}

describe("output learned from deliverables", () => {
  test("outputs that follow target size: the next run scales by target size", async ({ dir, baton }) => {
    // Each note restates its story twice: output is twice the target.
    const note = (story: string) => `# Note\n\n${story}\n${story}`;
    const first = await firstRun(baton.engine, dir, note);
    expect(baton.store.outputSamples("notes", "draft", "writer", "none", 100)).toHaveLength(8);
    // Validating the passed iteration again re-records instead of adding duplicates.
    await validateIteration(baton.engine, { iteration_id: first.iteration_id });
    expect(baton.store.outputSamples("notes", "draft", "writer", "none", 100)).toHaveLength(8);

    const second = await createIteration(baton.engine, { workflow: "notes", inputs: { run_tag: "two" } });
    const assignments = await generate(baton.engine, dir, second.iteration_id);
    for (const a of assignments) {
      expect(a.output_source.source).toBe("history_scaled");
      expect(a.output_source.detail).toMatch(
        /^fitted to target size over 8 earlier target\(s\): -?\d+ \+ [\d.]+ × target tokens \(r = 1\.00\)$/,
      );
      let wrote = 0;
      for (const t of a.targets) wrote += await countTokens(note(readFileSync(path.join(dir, t), "utf8")));
      expect(Math.abs(a.estimate.output_tokens - wrote) / wrote).toBeLessThan(0.02);
    }
    // Targets differ in size: the mean of all outputs would be more than 15% off for some assignment.
    let total = 0;
    for (let n = 1; n <= 8; n++)
      total += await countTokens(note(readFileSync(path.join(dir, `stories/US-${n}.md`), "utf8")));
    const offByMean = assignments.map(
      (a) => Math.abs((total / 8) * a.targets.length - a.estimate.output_tokens) / a.estimate.output_tokens,
    );
    expect(Math.max(...offByMean)).toBeGreaterThan(0.15);
  });

  test("outputs of one size whatever the target: the next run uses their mean", async ({ dir, baton }) => {
    const fixed = `# Note\n\n${"The story is clear and ready for design. ".repeat(20)}\n`;
    await firstRun(baton.engine, dir, () => fixed);
    const perTarget = await countTokens(fixed);
    const second = await createIteration(baton.engine, { workflow: "notes", inputs: { run_tag: "two" } });
    const assignments = await generate(baton.engine, dir, second.iteration_id);
    for (const a of assignments) {
      expect(a.output_source).toEqual({
        source: "history",
        samples: 8,
        detail: `mean of 8 earlier target output(s): ${perTarget} tokens each`,
      });
      expect(a.estimate.output_tokens).toBe(perTarget * a.targets.length);
    }
  });

  test("an iteration without targets learns per assignment; other iterations and roles keep tokens per point", async ({
    dir,
    baton,
  }) => {
    const first = await firstRun(baton.engine, dir, (story) => story);
    const summary = await createIteration(baton.engine, { run_id: first.run_id });
    // The summary iteration has no history yet (only draft passed), so tokens per point.
    const planned = await generate(baton.engine, dir, summary.iteration_id);
    expect(planned.map((a) => a.output_source.source)).toEqual(["tokens_per_point"]);
    const text = `# Summary\n\n${"Every story has a note now. ".repeat(30)}\n`;
    await work(baton.engine, dir, summary.iteration_id, planned, () => text);

    const next = await createIteration(baton.engine, { workflow: "notes", inputs: { run_tag: "two" } });
    await work(
      baton.engine,
      dir,
      next.iteration_id,
      await generate(baton.engine, dir, next.iteration_id),
      (s) => `${s}\nAgain.\n`,
    );
    const nextSummary = await createIteration(baton.engine, { run_id: next.run_id });
    const [a] = await generate(baton.engine, dir, nextSummary.iteration_id);
    expect(a?.output_source).toEqual({
      source: "history",
      samples: 1,
      detail: `mean of 1 earlier assignment output(s): ${await countTokens(text)} tokens each`,
    });
    expect(a?.estimate.output_tokens).toBe(await countTokens(text));
  });
});
