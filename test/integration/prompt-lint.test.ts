import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, onTestFinished } from "vitest";
import { parse, stringify } from "yaml";
import { fillPattern } from "../../src/config/placeholders.js";
import type { Check, IterationSpec } from "../../src/config/schema.js";
import type { LoadedWorkflow } from "../../src/config/workflows.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import { describeCheck } from "../../src/engine/criteria.js";
import { decomposeTask } from "../../src/engine/decompose.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { gitDiffOf } from "../../src/engine/inputs.js";
import { openEngine } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { lintPrompt } from "../helpers/prompt-lint.js";
import { exampleWorkspace, REPO_ROOT, writeFiles } from "../helpers/temp.js";

/**
 * The prompt linter (#19): every shipped workflow, the README's example workflow and a decomposed
 * plan are driven iteration by iteration through the engine, and every prompt an agent would get
 * is checked against what it is assigned and what exists when it runs.
 */

const CHANGELOG = { "CHANGELOG.md": "# Changelog\n\n## v2.4\n- OAuth2 login\n" };

// Each test's `dir` is a copy of the example workspace with a changelog, `baton` its engine.
test.override({ example: true, files: CHANGELOG });

/**
 * Another such workspace and its engine, removed when the test ends: a test that lints several
 * runs gives each its own, so no run's files count as readable for another.
 */
function freshWorkspace(): { dir: string; engine: EngineContext } {
  const temp = exampleWorkspace();
  writeFiles(temp.dir, CHANGELOG);
  const { engine, close } = openEngine(temp.dir);
  onTestFinished(() => {
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
  test.for(SHIPPED)(
    "passes on every prompt of the shipped workflow %s",
    async ([name, inputs], { dir, baton: { engine } }) => {
      const { problems, prompts } = await lintRun(dir, engine, { workflow: name, inputs });
      expect(prompts.size).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    },
  );

  test("passes on the README's example workflow", async ({ dir, baton: { engine } }) => {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const block = /A workflow file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const doc = parse(block) as Record<string, unknown>;
    // The example names a template file the reader would write; the prompts come from the default.
    delete doc.templates;
    writeFiles(dir, { ".baton/workflows/user-story-refinement.yaml": stringify(doc) });
    const { problems, prompts } = await lintRun(dir, engine, {
      workflow: "user-story-refinement",
      inputs: { id: "INC-1" },
    });
    expect(prompts.size).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  test("passes on a decomposed plan", async ({ dir, baton: { engine } }) => {
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

/** The prompts of a whole run of a shipped workflow, by `<iteration>/<assignment>`. */
async function promptsOf(name: string, inputs: Record<string, string>): Promise<Map<string, string>> {
  const { dir, engine } = freshWorkspace();
  return (await lintRun(dir, engine, { workflow: name, inputs })).prompts;
}

describe("the defects of #19, one by one", () => {
  test("1. upstream work comes from the workflow's graph, with full paths, never parallel or later work", async () => {
    const incident = await promptsOf("incident-response", { id: "INC-42" });
    const triage = incident.get("triage/sre-01") ?? "";
    expect(triage).not.toContain("Work you build on");
    expect(triage).not.toMatch(/build on the work of/);
    const communication = incident.get("communication/tech-writer-01") ?? "";
    expect(communication).toContain("- `incidents/INC-42/triage.md`");
    expect(communication).toContain("- `incidents/INC-42/mitigation.md`");
    expect(communication).not.toContain("root-cause.md");
    const review = await promptsOf("code-review", { change: "1234" });
    expect(review.get("summary/tech-lead-01")).toContain("- `reviews/1234/performance.md`");
    const docs = await promptsOf("documentation", { release: "v2.4" });
    expect(docs.get("architecture/data-architect-01")).not.toContain("architecture.md");
    const stories = await promptsOf("user-story-refinement", {});
    const estimation = [...stories].find(
      ([k, p]) => k.startsWith("estimation/") && p.includes("stories/US-1/"),
    )?.[1];
    for (const file of ["requirements", "technical-design", "test-plan", "security-review"])
      expect(estimation).toContain(`- \`stories/US-1/${file}.md\``);
  });

  test("2. the output format is the deliverable's own; a workflow's output_format replaces the role's", async ({
    dir,
    baton: { engine },
  }) => {
    const review = await promptsOf("code-review", { change: "1234" });
    const functional = review.get("specialist-review/developer-01") ?? "";
    expect(functional).not.toMatch(/functional-review\.md|Source and test files|investigation\.md/);
    expect(functional).toContain("`reviews/1234/functional.md`:");
    expect(review.get("summary/tech-lead-01")).not.toContain("estimation.md");
    const incident = await promptsOf("incident-response", { id: "INC-42" });
    expect(incident.get("investigation/developer-01")).not.toContain("investigation.md");

    writeFiles(dir, {
      ".baton/workflows/risk-review.yaml": stringify({
        workflow: {
          name: "risk-review",
          description: "Risks of a story",
          inputs: { story: { description: "story id", required: true } },
          iterations: [
            {
              name: "risks",
              goal: "List the risks",
              agents: [
                {
                  role: "tech_lead",
                  deliverables: ["reviews/{story}/risks.md"],
                  output_format: {
                    "reviews/{story}/risks.md": ["A table `| Risk | Owner |`, one row per risk"],
                  },
                },
              ],
            },
          ],
        },
      }),
    });
    const { problems, prompts } = await lintRun(dir, engine, {
      workflow: "risk-review",
      inputs: { story: "LND-101" },
    });
    expect(problems).toEqual([]);
    const prompt = prompts.get("risks/tech-lead-01") ?? "";
    expect(prompt).toContain("`reviews/LND-101/risks.md`:\n- A table `| Risk | Owner |`, one row per risk");
    expect(prompt).not.toMatch(/estimation\.md|## Estimate/);
  });

  test("3. inputs are reachable: the git diff of a change, files by their full path", async ({
    baton: { engine },
  }) => {
    const review = await promptsOf("code-review", { change: "1234", base: "origin/main", head: "pr-1234" });
    expect(review.get("specialist-review/security-analyst-01")).toContain(
      "Read it with `git diff origin/main...pr-1234`; list its files with `git diff --name-only origin/main...pr-1234`.",
    );
    expect(gitDiffOf(engine.catalog.workflow("code-review"), { base: "main", head: "HEAD" })).toEqual({
      base: "main",
      head: "HEAD",
      command: "git diff main...HEAD",
      files: "git diff --name-only main...HEAD",
    });
    const tasks = await promptsOf("task-execution", {
      task: "Implement OAuth2 login",
      slug: "oauth2",
      code: "src/auth/oauth2.ts",
      tests: "test/auth/oauth2.test.ts",
    });
    expect(tasks.get("design/architect-01")).toContain(
      "`code` = `src/auth/oauth2.ts` (the workspace file `src/auth/oauth2.ts`)",
    );
    await expect(
      createIteration(engine, {
        workflow: "task-execution",
        inputs: { task: "x", slug: "x", code: "../outside.ts", tests: "t.ts" },
      }),
    ).rejects.toThrow("input `code` = `../outside.ts` is a file input: give a workspace-relative path");
    await expect(
      createIteration(engine, { workflow: "code-review", inputs: { change: "1", base: "--output=x" } }),
    ).rejects.toThrow("is a git ref");
  });

  test("5. checks are the agent's own, filled in, and the headings they require are in the text", async () => {
    const docs = await promptsOf("documentation", { release: "v2.4" });
    const review = docs.get("review/tech-lead-01") ?? "";
    const task = review.slice(review.indexOf("## Your assignment"), review.indexOf("## Constraints"));
    for (const heading of ["## Summary", "## Blocking Issues", "## Verdict"]) expect(task).toContain(heading);
    expect(review).not.toMatch(/\{release\}|\{…\}/);
    const code = await promptsOf("code-review", { change: "1234" });
    const security = code.get("specialist-review/security-analyst-01") ?? "";
    expect(security).toContain("`reviews/1234/security.md` has the headings");
    expect(security).not.toContain("`reviews/1234/functional.md` has the headings");
    const stories = await promptsOf("user-story-refinement", {});
    expect(stories.get("requirements-analysis/product-analyst-01")).toContain(
      "(where `{story_id}` stands for the id of each of your targets listed above)",
    );
  });
});
