import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CreateMessageRequestSchema, ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { loadRoleLibrary } from "../../src/config/roles.js";
import { listWorkflows } from "../../src/config/workflows.js";
import { parseYaml } from "../../src/config/yaml.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { readLearnings } from "../../src/engine/learnings.js";
import { TemplateSet } from "../../src/engine/render.js";
import { getStatus } from "../../src/engine/status.js";
import { ConfigError } from "../../src/errors.js";
import type { ServerDeps } from "../../src/server.js";
import { test } from "../helpers/fixtures.js";
import { callError, callOk, connectInMemory } from "../helpers/mcp.js";
import { writeFiles } from "../helpers/temp.js";

// Issue #12 items 6, 7, 12, 13, 15 through real files, a real store and an in-memory MCP client:
// no read leaves the workspace through a link, nothing targets .git/ or .baton/, config files are
// bounded on every path, collisions are named, and sampling that fails falls back to needs_plan.

const SECRET = "TOP-SECRET-OUTSIDE-CONTENT";

let dir: string;
let outside: string;
let deps: ServerDeps;
let engine: EngineContext;
const closers: (() => Promise<void>)[] = [];

test.beforeEach(({ dir: workspace, outside: elsewhere, baton }) => {
  dir = workspace;
  outside = elsewhere;
  writeFileSync(path.join(outside, "secret.md"), `# Secret\n\n${SECRET}\n${"x".repeat(5000)}\n`);
  ({ deps, engine } = baton);
});
test.afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function client(options: Parameters<typeof connectInMemory>[1] = {}): Promise<Client> {
  const connected = await connectInMemory(deps, options);
  closers.push(connected.close);
  return connected.client;
}

const ONE_WRITER = `workflow:
  name: one-writer
  description: One note
  iterations:
    - name: write
      goal: Write the note
      agents:
        - role: tech_writer
          deliverables: ["notes/summary.md"]
`;

function expectNoLeak(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(outside);
}

async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a rejection");
}

describe("symlinks never leak files from outside the workspace (#12.6)", () => {
  test("refuses an iteration file resource whose README.md is a link out", async () => {
    writeFiles(dir, { ".baton/workflows/one-writer.yaml": ONE_WRITER });
    const created = await createIteration(engine, { workflow: "one-writer" });
    const readme = path.join(dir, created.path, "README.md");
    const { rmSync } = await import("node:fs");
    rmSync(readme);
    symlinkSync(path.join(outside, "secret.md"), readme);
    const c = await client();
    const message = await rejectionOf(
      c.readResource({ uri: `baton://iterations/${created.iteration_id}/readme` }),
    );
    expect(message).toContain("leaves the workspace through a symbolic link");
    expectNoLeak(message);
  });

  test("refuses baton://workflows/{name} and learnings behind links out", async () => {
    writeFileSync(path.join(outside, "wf.yaml"), `# ${SECRET}\n${ONE_WRITER}`);
    mkdirSync(path.join(dir, ".baton", "workflows"), { recursive: true });
    symlinkSync(path.join(outside, "wf.yaml"), path.join(dir, ".baton", "workflows", "linked.yaml"));
    const c = await client();
    const message = await rejectionOf(c.readResource({ uri: "baton://workflows/linked" }));
    expect(message).toContain("leaves the workspace through a symbolic link");
    expectNoLeak(message);

    mkdirSync(path.join(dir, ".baton", "learnings"), { recursive: true });
    writeFileSync(path.join(outside, "learnings.yaml"), "learnings: []\n");
    symlinkSync(path.join(outside, "learnings.yaml"), path.join(dir, ".baton", "learnings", "x.yaml"));
    expect(() => readLearnings(dir, "x")).toThrow(/leaves the workspace through a symbolic link/);
  });

  test("refuses a workflow template and a partial behind links out", () => {
    writeFileSync(path.join(outside, "t.md.hbs"), `${SECRET}\n`);
    mkdirSync(path.join(dir, "templates"), { recursive: true });
    symlinkSync(path.join(outside, "t.md.hbs"), path.join(dir, "templates", "writer.md.hbs"));
    writeFiles(dir, {
      ".baton/workflows/templated.yaml": `${ONE_WRITER.replace("one-writer", "templated")}templates:\n  tech_writer: templates/writer.md.hbs\n`,
    });
    let message = "";
    try {
      engine.catalog.workflow("templated");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /templated\.yaml:\d+:\d+: template path `templates\/writer\.md\.hbs` leaves the workspace through a symbolic link/,
    );
    expectNoLeak(message);

    mkdirSync(path.join(dir, ".baton", "templates", "partials"), { recursive: true });
    symlinkSync(
      path.join(outside, "t.md.hbs"),
      path.join(dir, ".baton", "templates", "partials", "x.md.hbs"),
    );
    expect(() => new TemplateSet(dir)).toThrow(/leaves the workspace through a symbolic link/);
  });

  test("refuses brace-glob targets through a folder link out", async () => {
    writeFiles(dir, {
      "stories/US-1.md": "# US-1\n",
      ".baton/workflows/braces.yaml": `workflow:
  name: braces
  description: Review stories
  iterations:
    - name: review
      goal: Review each story
      agents:
        - role: tech_writer
          targets: ["{stories,linkdir}/*.md"]
          deliverables: ["reviews/{story_id}.md"]
`,
    });
    symlinkSync(outside, path.join(dir, "linkdir"));
    const message = await rejectionOf(createIteration(engine, { workflow: "braces" }));
    expect(message).toContain(
      "target `linkdir/secret.md` of pattern `{stories,linkdir}/*.md` leaves the workspace",
    );
    expectNoLeak(message);
  });

  test("get_status does not measure a deliverable that links out", async () => {
    writeFiles(dir, { ".baton/workflows/one-writer.yaml": ONE_WRITER });
    const created = await createIteration(engine, { workflow: "one-writer" });
    await generatePrompts(engine, { iteration_id: created.iteration_id });
    mkdirSync(path.join(dir, "notes"));
    symlinkSync(path.join(outside, "secret.md"), path.join(dir, "notes", "summary.md"));
    const status = getStatus(engine, {});
    const assignment = status.runs[0]?.iterations[0]?.assignments[0];
    expect(assignment?.deliverables_done).toBe(0);
    expect(assignment?.progress).toBe(0);
  });
});

describe(".git/ and .baton/ are never deliverables or targets (#12.7)", () => {
  test("refuses them in a workflow file, located", () => {
    writeFiles(dir, {
      ".baton/workflows/hooks.yaml": ONE_WRITER.replace("one-writer", "hooks")
        .replace('["notes/summary.md"]', '["notes/summary.md", ".git/hooks/pre-commit"]')
        .replace("deliverables:", 'targets: [".baton/workflows/*.yaml"]\n          deliverables:'),
    });
    let issues: string[] = [];
    try {
      engine.catalog.workflow("hooks");
    } catch (error) {
      issues = (error as ConfigError).issues.map((i) => `${i.line}: ${i.message}`);
    }
    expect(issues).toContain(
      "9: target pattern `.baton/workflows/*.yaml` is inside `.baton/`, which belongs to Baton; choose a path outside `.git/` and `.baton/`",
    );
    expect(issues).toContain(
      "10: deliverable pattern `.git/hooks/pre-commit` is inside `.git/`, which belongs to git; choose a path outside `.git/` and `.baton/`",
    );
  });

  test("refuses them in a caller's plan and in a sampled plan (which then falls back to needs_plan)", async () => {
    const plan = (deliverable: string) => ({
      name: "planted",
      iterations: [
        {
          name: "one",
          goal: "Do it",
          subtasks: [{ role: "developer", description: "Write", deliverables: [deliverable] }],
        },
      ],
    });
    const plain = await client();
    const text = await callError(plain, "decompose_task", { task: "x", plan: plan(".baton/baton.db") });
    expect(text).toContain("invalid plan");
    expect(text).toContain("deliverable pattern `.baton/baton.db` is inside `.baton/`");

    const sampling = await client({
      client: { capabilities: { sampling: {} } },
      setup: (c) =>
        c.setRequestHandler(CreateMessageRequestSchema, () => ({
          model: "scripted",
          role: "assistant",
          content: { type: "text", text: JSON.stringify(plan(".git/hooks/pre-commit")) },
        })),
    });
    const result = await callOk<{ status: string; next: string }>(sampling, "decompose_task", { task: "x" });
    expect(result.status).toBe("needs_plan");
    expect(result.next).toContain("`.git/hooks/pre-commit` is inside `.git/`");
    expect(deps.store.listRuns()).toEqual([]);
  });

  test("refuses an --output folder or --targets inside them", async () => {
    writeFiles(dir, { ".baton/workflows/one-writer.yaml": ONE_WRITER });
    await expect(createIteration(engine, { workflow: "one-writer", output: ".baton/out" })).rejects.toThrow(
      "output folder `.baton/out` is inside `.baton/`, which belongs to Baton",
    );
    await expect(
      createIteration(engine, { workflow: "one-writer", targets: [".git/hooks/*"] }),
    ).rejects.toThrow("target pattern `.git/hooks/*` is inside `.git/`, which belongs to git");
  });
});

describe("configuration files are bounded on every path (#12.12)", () => {
  test("a workflow over 1 MiB is neither parsed for the listing nor served as a resource", async () => {
    writeFiles(dir, {
      ".baton/workflows/big.yaml": `${ONE_WRITER.replace("one-writer", "big")}# ${"x".repeat(2 * 1024 * 1024)}\n`,
    });
    expect(listWorkflows(dir).find((w) => w.name === "big")?.description).toBe("(invalid: run baton check)");
    const c = await client();
    const message = await rejectionOf(c.readResource({ uri: "baton://workflows/big" }));
    expect(message).toMatch(/file is \d+ bytes; configuration files may be at most 1048576/);
  });

  test("refuses anchor-heavy YAML and extra documents before parsing, located", () => {
    const anchors = `workflow:\n${Array.from({ length: 60 }, (_, i) => `  k${i}: &a${i} [x]\n`).join("")}`;
    expect(() => parseYaml(anchors, "wf.yaml")).toThrow(
      "wf.yaml:52:8: YAML: more than 50 anchors (`&name`); configuration files may define at most 50",
    );
    expect(() => parseYaml("---\na: 1\n---\nb: 2\n", "wf.yaml")).toThrow(
      "wf.yaml:3:1: YAML: a second document (`---`); a configuration file holds one YAML document",
    );
    // Markdown emphasis and inline `*` are not aliases.
    expect(parseYaml('a: "**bold** and 2*3"\nb: x*y\n', "ok.yaml").data).toEqual({
      a: "**bold** and 2*3",
      b: "x*y",
    });
  });
});

describe("role files that are links (#12.6, #12.12)", () => {
  test("a dangling link or a link out breaks only its own role, without naming outside paths", () => {
    mkdirSync(path.join(dir, ".baton", "roles"), { recursive: true });
    symlinkSync(path.join(outside, "missing.yaml"), path.join(dir, ".baton", "roles", "ghost.yaml"));
    writeFileSync(path.join(outside, "spy.yaml"), `name: ${SECRET}\n`);
    symlinkSync(path.join(outside, "spy.yaml"), path.join(dir, ".baton", "roles", "spy.yaml"));
    const library = loadRoleLibrary(dir);
    expect(library.has("developer")).toBe(true);
    expect(library.brokenReason("ghost")).toContain(".baton/roles/ghost.yaml: ");
    expect(library.brokenReason("ghost")).toContain("does not exist");
    expect(library.brokenReason("spy")).toContain("leaves the workspace through a symbolic link");
    expectNoLeak(`${library.brokenReason("ghost")} ${library.brokenReason("spy")}`);
  });
});

describe("collisions are refused naming both writers (#12.13)", () => {
  test("two targets whose ids fill one deliverable", async () => {
    writeFiles(dir, {
      // The id is what the first wildcard matched: `page` for both.
      "docs/page.md": "# A\n",
      "docs/page/intro.md": "# B\n",
      ".baton/workflows/pages.yaml": `workflow:
  name: pages
  description: Review pages
  iterations:
    - name: review
      goal: Review each page
      agents:
        - role: tech_writer
          targets: ["docs/**/*.md"]
          deliverables: ["reviews/{page_id}.md"]
`,
    });
    await expect(createIteration(engine, { workflow: "pages" })).rejects.toThrow(
      "two assignments would write `reviews/page.md`: target `docs/page.md` (id `page`) of agent 1 (tech_writer) and target `docs/page/intro.md` (id `page`) of agent 1 (tech_writer)",
    );
  });

  test("two plan subtasks writing one file", async () => {
    const c = await client();
    const text = await callError(c, "decompose_task", {
      task: "x",
      plan: {
        name: "clash",
        iterations: [
          {
            name: "one",
            goal: "Do it",
            subtasks: [
              { role: "developer", description: "Write", deliverables: ["out/a.md"] },
              { role: "qa_lead", description: "Also write", deliverables: ["out/a.md"] },
            ],
          },
        ],
      },
    });
    expect(text).toContain(
      "deliverable `out/a.md` is written by two agents of iteration `one`: agent 1 (developer) and agent 2 (qa_lead)",
    );
  });
});

describe("sampling declined falls back to needs_plan (#12.15)", () => {
  test("returns instructions and the plan schema when the client refuses to sample", async () => {
    const c = await client({
      client: { capabilities: { sampling: {} } },
      setup: (cl) =>
        cl.setRequestHandler(CreateMessageRequestSchema, () => {
          throw new McpError(ErrorCode.InvalidRequest, "User rejected sampling request");
        }),
    });
    const result = await callOk<{ status: string; next: string; instructions: string; plan_schema: object }>(
      c,
      "decompose_task",
      { task: "Write the docs" },
    );
    expect(result.status).toBe("needs_plan");
    expect(result.next).toContain("User rejected sampling request");
    expect(result.instructions).toContain("Write the docs");
    expect(result.plan_schema).toMatchObject({ type: "object" });
    expect(deps.store.listRuns()).toEqual([]);
  });
});
