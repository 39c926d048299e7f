import { describe, expect } from "vitest";
import { statusCommand } from "../../src/commands/status.js";
import { claimAssignment } from "../../src/engine/claim.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { validateIteration } from "../../src/engine/validation.js";
import { UserError } from "../../src/errors.js";
import { textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { BATCH_INPUT, itemsWorkspace, REVIEW_ITERATION } from "../helpers/items.js";
import { writeFiles } from "../helpers/temp.js";

// `baton status`: the tree of a real run in a real store, and next steps worded for a shell.

test.override({
  files: itemsWorkspace("status-demo", ["a", "b"], {
    description: "Two items, then a review",
    settings: BATCH_INPUT,
    deliverable: "out/{batch}/{item_id}.md",
    after: REVIEW_ITERATION,
  }),
});

let dir: string;
let engine: EngineContext;

// The fixtures of each test, for the helpers below.
test.beforeEach(({ dir: workspace, baton }) => {
  dir = workspace;
  engine = baton.engine;
});

function status(target?: string, json?: boolean): { code: number; lines: string[] } {
  const lines: string[] = [];
  const code = statusCommand(
    engine,
    { target, json },
    { log: (l) => lines.push(l), error: (l) => lines.push(l) },
  );
  return { code, lines };
}

describe("baton status", () => {
  test("suggests starting a run when there is none", () => {
    const { code, lines } = status();
    expect(code).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(/^next: start a run: `baton orchestrate [a-z-]+` \(workflows: .*status-demo/),
    ]);
  });

  test("prints runs → iterations → assignments with progress and CLI next steps, through to completion", async () => {
    const created = await createIteration(engine, { workflow: "status-demo", inputs: { batch: "one" } });
    const it1 = created.iteration_id;
    const run = created.run_id;
    let out = status().lines;
    expect(out[0]).toBe(`run ${run}  status-demo  active  inputs: batch=one`);
    expect(out).toContain(`  write  ${it1}  materialized  0%  ${created.path}`);
    expect(out).toContain("  not created yet: review");
    expect(out.at(-1)).toBe(
      "next: write the prompts of write and carry on: `baton orchestrate status-demo --inputs batch=one`",
    );

    const generated = await generatePrompts(engine, { iteration_id: it1 });
    const [first, second] = generated.assignments;
    expect(status().lines.at(-1)).toContain(
      `next: give the 2 pending prompt(s) in ${created.path}/agent-prompts/ to agents`,
    );

    claimAssignment(engine, { agent: "w1" });
    claimAssignment(engine, { agent: "w2" });
    writeFiles(dir, { [first?.deliverables[0] as string]: textOfSize(400) });
    out = status(it1).lines;
    expect(out).toContain(`    ${first?.id}  developer  claimed  100%  1/1 deliverables  agent w1`);
    expect(out).toContain(`    ${second?.id}  developer  claimed  0%  0/1 deliverables  agent w2`);
    expect(out.at(-1)).toBe(`next: wait for the agents of write (50% written): \`baton monitor ${it1}\``);

    writeFiles(dir, { [second?.deliverables[0] as string]: textOfSize(400) });
    expect(status(run).lines.at(-1)).toBe(`next: \`baton validate ${it1}\``);
    expect((await validateIteration(engine, { iteration_id: it1 })).passed).toBe(true);
    expect(status().lines.at(-1)).toBe(`next: start review: \`baton generate --run ${run}\``);

    const review = await createIteration(engine, { run_id: run });
    await generatePrompts(engine, { iteration_id: review.iteration_id });
    writeFiles(dir, { "out/one/review.md": textOfSize(300) });
    expect((await validateIteration(engine, { iteration_id: review.iteration_id })).passed).toBe(true);
    out = status().lines;
    expect(out[0]).toBe(`run ${run}  status-demo  completed  inputs: batch=one`);
    expect(out.at(-1)).toBe(`next: run ${run} is complete`);

    const json = JSON.parse(status(run, true).lines.join("\n"));
    expect(json.runs[0]).toMatchObject({ id: run, status: "completed", not_created: [] });
    expect(json.runs[0].iterations.map((i: { state: string }) => i.state)).toEqual(["passed", "passed"]);
    expect(json.next).toEqual([`run ${run} is complete`]);
  });

  test("names an unknown target", () => {
    expect(() => status("nope")).toThrow(UserError);
    expect(() => status("nope")).toThrow(/unknown iteration `nope`/);
  });
});
