import { describe, expect } from "vitest";
import { rolesCommand, workflowsCommand } from "../../src/commands/config-commands.js";
import { monitorCommand } from "../../src/commands/monitor.js";
import { orchestrateCommand } from "../../src/commands/orchestrate.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { itemsWorkspace } from "../helpers/items.js";
import { writeFiles } from "../helpers/temp.js";

// --json on the commands that read state: stdout is one JSON document (or JSON lines for monitor).

test.override({ files: itemsWorkspace("json-demo", ["a"], { description: "One file per item" }) });

let dir: string;
let engine: EngineContext;
let stdout: string[];
let stderr: string[];
const out = { log: (l: string) => stdout.push(l), error: (l: string) => stderr.push(l) };

test.beforeEach(({ dir: workspace, baton }) => {
  dir = workspace;
  engine = baton.engine;
  stdout = [];
  stderr = [];
});

describe("--json", () => {
  test("lists workflows and roles as JSON", () => {
    expect(workflowsCommand(dir, out, true)).toBe(0);
    const workflows = JSON.parse(stdout.join("\n")) as { name: string; origin: string }[];
    expect(workflows).toContainEqual(expect.objectContaining({ name: "json-demo", origin: "workspace" }));
    stdout = [];
    expect(rolesCommand(dir, out, true)).toBe(0);
    const roles = JSON.parse(stdout.join("\n")) as { role: string; token_budget: number }[];
    expect(roles).toContainEqual(
      expect.objectContaining({ role: "developer", token_budget: expect.any(Number) }),
    );
  });

  test("monitor prints JSON lines: one per assignment change, then the verdict", async () => {
    const created = await createIteration(engine, { workflow: "json-demo" });
    const [a] = (await generatePrompts(engine, { iteration_id: created.iteration_id })).assignments;
    const steps: Record<string, string>[] = [{}, { "out/a.md": textOfSize(300) }];
    const code = await monitorCommand(
      engine,
      { intervalS: 0, tty: true, json: true, wait: async () => writeFiles(dir, steps.shift() ?? {}) },
      out,
    );
    expect(code).toBe(0);
    expect(stdout.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ iteration_id: created.iteration_id, id: a?.id, progress: 0 }),
      expect.objectContaining({ id: a?.id, progress: 1, deliverables_done: 1 }),
      { verdict: "complete" },
    ]);
  });

  test("orchestrate prints only the summary on stdout, its progress lines on stderr", async () => {
    const code = await orchestrateCommand(
      engine,
      {
        workflow: "json-demo",
        parallel: 1,
        intervalS: 0,
        json: true,
        tty: true,
        launcher: (job) => {
          writeFiles(dir, Object.fromEntries(job.deliverables.map((d) => [d, textOfSize(300)])));
          return { done: Promise.resolve({ code: 0 }), stop: () => {} };
        },
      },
      out,
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout.join("\n"));
    expect(summary).toMatchObject({ status: "completed", iterations: [{ name: "write", passed: 1 }] });
    expect(stderr.some((l) => l.includes("validation PASSED"))).toBe(true);
  });
});
