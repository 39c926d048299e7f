import { describe, expect } from "vitest";
import { monitorCommand } from "../../src/commands/monitor.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { itemsWorkspace } from "../helpers/items.js";
import { writeFiles } from "../helpers/temp.js";

// `baton monitor` outside a terminal: a line per assignment when it changes, not on every look.

test.override({ files: itemsWorkspace("quiet", ["a", "b"], { description: "One file per item" }) });

describe("baton monitor without a terminal", () => {
  test("prints an assignment's line only when it changed", async ({ dir, baton: { engine } }) => {
    const created = await createIteration(engine, { workflow: "quiet" });
    const assignments = (await generatePrompts(engine, { iteration_id: created.iteration_id })).assignments;
    const [a, b] = assignments.map((x) => ({ id: x.id, file: x.deliverables[0] as string }));
    // Three quiet looks, then a.md, two more quiet looks, then b.md.
    const steps: Record<string, string>[] = [{}, {}, { [a?.file as string]: textOfSize(300) }, {}, {}];
    steps.push({ [b?.file as string]: textOfSize(300) });
    const lines: string[] = [];
    const code = await monitorCommand(
      engine,
      {
        target: created.iteration_id,
        intervalS: 0,
        tty: false,
        wait: async () => writeFiles(dir, steps.shift() ?? {}),
      },
      { log: (l) => lines.push(l), error: (l) => lines.push(l) },
    );
    expect(code).toBe(0);
    expect(lines).toEqual([
      `${a?.id} pending 0% (0/1 deliverables)`,
      `${b?.id} pending 0% (0/1 deliverables)`,
      `${a?.id} pending 100% (1/1 deliverables)`,
      `${b?.id} pending 100% (1/1 deliverables)`,
      "complete: every deliverable is written; validate with `baton validate <iteration>`",
    ]);
  });
});
