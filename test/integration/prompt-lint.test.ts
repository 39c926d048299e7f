import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { fillPattern } from "../../src/config/placeholders.js";
import type { Check, IterationSpec } from "../../src/config/schema.js";
import type { LoadedWorkflow } from "../../src/config/workflows.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import { describeCheck } from "../../src/engine/criteria.js";
import { decomposeTask } from "../../src/engine/decompose.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { openEngine } from "../helpers/baton.js";
import { lintPrompt } from "../helpers/prompt-lint.js";
import { exampleWorkspace, REPO_ROOT, writeFiles } from "../helpers/temp.js";

/**
 * The prompt linter (#19): every shipped workflow, the README's example workflow and a decomposed
 * plan are driven iteration by iteration through the engine, and every prompt an agent would get
 * is checked against what it is assigned and what exists when it runs.
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function workspace(): { dir: string; engine: EngineContext } {
  const temp = exampleWorkspace();
  writeFiles(temp.dir, { "CHANGELOG.md": "# Changelog\n\n## v2.4\n- OAuth2 login\n" });
  const { engine, close } = openEngine(temp.dir);
  cleanups.push(() => {
    close();
    temp.cleanup();
  });
  return { dir: temp.dir, engine };
}

function filesOf(root: string, rel = ""): string[] {
  return readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const file = rel ? `${rel}/${e.name}` : e.name;
    if (e.name === ".baton" || e.name === ".git") return [];
    return e.isDirectory() ? filesOf(root, file) : [file];
  });
}

/** The iterations an iteration waits for, directly or through others (computed here, not by the engine). */
function ancestors(workflow: LoadedWorkflow, spec: IterationSpec): string[] {
  const byName = new Map(workflow.spec.iterations.map((it) => [it.name, it]));
  const out = new Set<string>();
  const walk = (names: readonly string[]) => {
    for (const n of names) {
      if (out.has(n)) continue;
      out.add(n);
      walk(byName.get(n)?.dependencies ?? []);
    }
  };
  walk(spec.dependencies);
  return [...out];
}

/** Drives every iteration of a run (forced, in order) and lints each prompt; returns the problems. */
async function lintRun(
  dir: string,
  engine: EngineContext,
  start: { workflow: string; inputs?: Record<string, string> } | { run_id: string },
): Promise<{ problems: string[]; prompts: Map<string, string> }> {
  const initial = filesOf(dir);
  let runId = "run_id" in start ? start.run_id : undefined;
  const workflowName = "workflow" in start ? start.workflow : undefined;
  const produced = new Map<string, string[]>();
  const problems: string[] = [];
  const prompts = new Map<string, string>();
  const workflow = runId
    ? engine.catalog.workflowOf(engine.store.getRun(runId) as never)
    : engine.catalog.workflow(workflowName as string);
  for (const spec of workflow.spec.iterations) {
    const created = await createIteration(
      engine,
      runId
        ? { run_id: runId, iteration: spec.name, force: true }
        : {
            workflow: workflowName,
            inputs: "inputs" in start ? start.inputs : {},
            iteration: spec.name,
            force: true,
          },
    );
    runId = created.run_id;
    const inputs = engine.store.getRun(runId)?.inputs ?? {};
    const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
    const readable = [
      ...initial,
      ...ancestors(workflow, spec).flatMap((n) => produced.get(n) ?? []),
      ...["CONTEXT.md", "COMPLETION_CRITERIA.md", "README.md", "manifest.json"].map(
        (f) => `${generated.path}/${f}`,
      ),
    ];
    const checks = spec.completion_criteria.filter((c): c is Check => typeof c !== "string");
    for (const a of generated.assignments) {
      const prompt = readFileSync(path.join(dir, a.prompt_path), "utf8");
      prompts.set(`${spec.name}/${a.local_id}`, prompt);
      // The shipped workflows and the plans here give each role one agent per iteration.
      const agent = spec.agents.find((ag) => ag.role === a.role);
      const mine = checks.filter(
        (c) => c.deliverable === undefined || agent?.deliverables.includes(c.deliverable),
      );
      const found = lintPrompt(prompt, {
        own: a.deliverables,
        readable,
        checks: mine.map((c) =>
          describeCheck(c, c.deliverable ? fillPattern(c.deliverable, { inputs }) : (c.path ?? "")),
        ),
        headings: mine.flatMap((c) =>
          c.check === "headings" ? (c as Check & { headings: string[] }).headings : [],
        ),
      });
      problems.push(...found.map((p) => `${workflow.name} ${spec.name} ${a.local_id}: ${p}`));
    }
    const files = generated.assignments.flatMap((a) => a.deliverables);
    produced.set(spec.name, files);
    writeFiles(dir, Object.fromEntries(files.map((f) => [f, `# ${f}\n\nwritten by the agent\n`])));
  }
  return { problems, prompts };
}

const SHIPPED: [string, Record<string, string>][] = [
  ["user-story-refinement", {}],
  ["code-review", { change: "1234" }],
  ["documentation", { release: "v2.4" }],
  ["incident-response", { id: "INC-42" }],
  [
    "task-execution",
    {
      task: "Implement OAuth2 login",
      slug: "oauth2",
      code: "src/auth/oauth2.ts",
      tests: "test/auth/oauth2.test.ts",
    },
  ],
];

describe("prompt linter", () => {
  it.each(SHIPPED)("passes on every prompt of the shipped workflow %s", async (name, inputs) => {
    const { dir, engine } = workspace();
    const { problems, prompts } = await lintRun(dir, engine, { workflow: name, inputs });
    expect(prompts.size).toBeGreaterThan(0);
    if (process.env.SHOW_PROMPTS) for (const [k, p] of prompts) console.log(`=== ${k}\n${p}`);
    expect(problems).toEqual([]);
  });

  it("passes on the README's example workflow", async () => {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const block = /A workflow file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const doc = parse(block) as Record<string, unknown>;
    // The example names a template file the reader would write; the prompts come from the default.
    delete doc.templates;
    const { dir, engine } = workspace();
    writeFiles(dir, { ".baton/workflows/user-story-refinement.yaml": stringify(doc) });
    const { problems, prompts } = await lintRun(dir, engine, {
      workflow: "user-story-refinement",
      inputs: { id: "INC-1" },
    });
    expect(prompts.size).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it("passes on a decomposed plan", async () => {
    const { dir, engine } = workspace();
    const planned = await decomposeTask(engine, {
      task: "Add CSV export of invoices",
      plan: {
        iterations: [
          {
            name: "design",
            goal: "Design the export",
            subtasks: [
              {
                role: "architect",
                description: "Design the CSV export",
                deliverables: ["tasks/csv/design.md"],
                complexity: 3,
              },
              {
                role: "qa_lead",
                description: "Plan its tests",
                deliverables: ["tasks/csv/test-plan.md"],
                complexity: 2,
              },
            ],
          },
          {
            name: "build",
            goal: "Build the export",
            dependencies: ["design"],
            subtasks: [
              {
                role: "developer",
                description:
                  "Implement the export from tasks/csv/design.md and note it in tasks/csv/notes.md",
                deliverables: ["src/export/csv.ts", "tasks/csv/notes.md"],
                complexity: 5,
              },
            ],
          },
        ],
      },
    });
    const { problems, prompts } = await lintRun(dir, engine, { run_id: planned.run_id as string });
    expect(prompts.size).toBe(3);
    expect(problems).toEqual([]);
  });
});
