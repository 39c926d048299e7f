import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type CallToolResult, ErrorCode, McpError, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { Ajv } from "ajv";
import { describe, expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { loadRoleLibrary } from "../../src/config/roles.js";
import { TOOLS } from "../../src/tools/index.js";
import { test } from "../helpers/fixtures.js";

// One server on one copy of the example workspace for the whole file: the tests build on each other's runs.
test.override({ shared: { example: true } });

let dir: string;
let client: Client;
let tools: Tool[];

test.beforeAll(async ({ sharedDir, sharedMcp }) => {
  dir = sharedDir;
  client = sharedMcp;
  tools = (await client.listTools()).tools;
});

const ajv = new Ajv({ strict: false, allErrors: true });

/** Calls a tool; checks structuredContent against the listed outputSchema (ajv) and the tool's zod output. */
async function call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError ?? false, JSON.stringify(result.content)).toBe(false);
  const structured = result.structuredContent as Record<string, unknown>;
  expect(structured).toBeDefined();
  const listed = tools.find((t) => t.name === name);
  const validate = ajv.compile(listed?.outputSchema as object);
  expect(validate(structured), ajv.errorsText(validate.errors)).toBe(true);
  const definition = TOOLS.find((t) => t.name === name);
  expect(z.object(definition?.output ?? {}).safeParse(structured).success).toBe(true);
  // The text content is written for a model (hosts that ignore structuredContent hand it on): the
  // summary, then Markdown, never the JSON copy of the data.
  const text = result.content.find((c) => c.type === "text");
  const summary = definition?.summarize(structured as never) ?? "";
  expect(text?.type === "text" && text.text.startsWith(summary)).toBe(true);
  expect(text?.type === "text" && text.text.includes(JSON.stringify(structured))).toBe(false);
  return structured;
}

/** Calls a tool expecting an `isError` result; returns its text. */
async function callError(name: string, args: Record<string, unknown>): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  const first = result.content[0];
  return first?.type === "text" ? first.text : "";
}

async function read(uri: string): Promise<{ text: string; mimeType: string | undefined }> {
  const { contents } = await client.readResource({ uri });
  expect(contents).toHaveLength(1);
  const [content] = contents;
  expect(content?.uri).toBe(uri);
  return { text: String((content as { text?: string }).text), mimeType: content?.mimeType };
}

const stories = () =>
  readdirSync(path.join(dir, "stories"))
    .filter((f) => f.endsWith(".md"))
    .sort();

describe("tools/list", () => {
  test("lists every tool with a description, annotations and an outputSchema", () => {
    expect(tools.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["create_iteration", "generate_prompts", "get_status"]),
    );
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(80);
      expect(tool.title ?? tool.annotations?.title, tool.name).toBeTruthy();
      // Hints equal to the MCP defaults are left out (readOnly false, destructive true, idempotent false).
      expect(tool.annotations?.openWorldHint, tool.name).toBe(false);
      if (tool.annotations?.readOnlyHint !== true)
        expect(tool.annotations?.destructiveHint, tool.name).toBe(false);
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(Object.keys(tool.outputSchema?.properties ?? {}).length, tool.name).toBeGreaterThan(0);
      // Compiles as JSON Schema.
      expect(() => ajv.compile(tool.outputSchema as object)).not.toThrow();
    }
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.get_status?.annotations?.readOnlyHint).toBe(true);
    expect(byName.create_iteration?.annotations?.readOnlyHint ?? false).toBe(false);
    expect(byName.create_iteration?.annotations?.idempotentHint ?? false).toBe(false);
    expect(byName.generate_prompts?.annotations?.idempotentHint).toBe(true);
  });

  test("the server explains how to orchestrate in its instructions", () => {
    const instructions = client.getInstructions() ?? "";
    for (const tool of ["create_iteration", "generate_prompts", "validate_iteration"]) {
      expect(instructions).toContain(tool);
    }
  });
});

describe("create_iteration → generate_prompts → resources", () => {
  let runId: string;
  let iterationId: string;
  let assignments: {
    id: string;
    local_id: string;
    role: string;
    targets: string[];
    estimated_tokens: number;
    token_budget: number;
    prompt_path: string;
    prompt_uri: string;
  }[];
  let iterationPath: string;

  test.beforeAll(async () => {
    const created = await call("create_iteration", { workflow: "user-story-refinement" });
    runId = String(created.run_id);
    iterationId = String(created.iteration_id);
    iterationPath = String(created.path);
    const generated = await call("generate_prompts", { iteration_id: iterationId });
    assignments = generated.assignments as typeof assignments;
  });

  test("starts a run at requirements-analysis with every story as a target", async () => {
    expect(stories().length).toBeGreaterThanOrEqual(8);
    expect(runId).toBe("user-story-refinement-1");
    expect(iterationId).toBe("user-story-refinement-1-i01");
    const status = await call("get_status", { run_id: runId });
    const [run] = status.runs as { id: string; iterations: { name: string; state: string }[] }[];
    expect(run?.id).toBe(runId);
    expect(run?.iterations).toEqual([
      expect.objectContaining({ name: "requirements-analysis", state: "generated" }),
    ]);
  });

  test("allocates every story once, to product analysts, within budget", () => {
    expect(assignments.flatMap((a) => a.targets).sort()).toEqual(stories().map((s) => `stories/${s}`));
    const analyst = loadRoleLibrary(dir).get("product_analyst");
    for (const a of assignments) {
      expect(a.role).toBe("product_analyst");
      expect(a.targets.length).toBeLessThanOrEqual(analyst?.constraints.complexity_threshold ?? 0);
      expect(a.estimated_tokens).toBeLessThanOrEqual(a.token_budget);
      expect(a.prompt_uri).toBe(`baton://iterations/${iterationId}/prompts/${a.local_id}`);
    }
  });

  test("reads the workflow list and one workflow", async () => {
    const list = await read("baton://workflows");
    expect(list.mimeType).toBe("application/json");
    const workflows = JSON.parse(list.text) as { name: string; uri: string; description: string }[];
    expect(workflows.map((w) => w.name)).toEqual(
      expect.arrayContaining([
        "user-story-refinement",
        "task-execution",
        "code-review",
        "incident-response",
        "documentation",
      ]),
    );
    const one = await read("baton://workflows/user-story-refinement");
    expect(one.mimeType).toBe("application/yaml");
    expect((parseYaml(one.text) as { workflow: { name: string } }).workflow.name).toBe(
      "user-story-refinement",
    );
  });

  test("reads a role", async () => {
    const role = await read("baton://roles/product_analyst");
    expect(role.mimeType).toBe("application/yaml");
    const parsed = parseYaml(role.text) as { name: string; constraints: { token_budget: number } };
    expect(parsed.name).toBe(loadRoleLibrary(dir).get("product_analyst")?.name);
    expect(parsed.constraints.token_budget).toBeGreaterThan(0);
  });

  test("reads the run", async () => {
    const run = await read(`baton://runs/${runId}`);
    expect(run.mimeType).toBe("application/json");
    const parsed = JSON.parse(run.text) as { runs: { id: string; iterations: { id: string }[] }[] };
    expect(parsed.runs[0]?.id).toBe(runId);
    expect(parsed.runs[0]?.iterations.map((i) => i.id)).toEqual([iterationId]);
  });

  test.each([
    ["context", "CONTEXT.md", "text/markdown"],
    ["criteria", "COMPLETION_CRITERIA.md", "text/markdown"],
    ["readme", "README.md", "text/markdown"],
    ["manifest", "manifest.json", "application/json"],
  ])("reads the iteration's %s as the file %s", async (key, file, mimeType) => {
    const resource = await read(`baton://iterations/${iterationId}/${key}`);
    expect(resource.mimeType).toBe(mimeType);
    expect(resource.text).toBe(readFileSync(path.join(dir, iterationPath, file), "utf8"));
  });

  test("the criteria name the exact deliverable paths and the 1 KB check", async () => {
    const { text } = await read(`baton://iterations/${iterationId}/criteria`);
    expect(text).toContain("stories/US-");
    expect(text).toContain("requirements.md");
    expect(text).toMatch(/1024/);
    expect(text).toContain("Acceptance Criteria");
  });

  test("reads every agent prompt", async () => {
    const manifest = JSON.parse((await read(`baton://iterations/${iterationId}/manifest`)).text) as {
      assignments: { local_id: string }[];
    };
    expect(manifest.assignments.map((a) => a.local_id)).toEqual(assignments.map((a) => a.local_id));
    for (const a of assignments) {
      const prompt = await read(a.prompt_uri);
      expect(prompt.mimeType).toBe("text/markdown");
      expect(prompt.text).toBe(readFileSync(path.join(dir, a.prompt_path), "utf8"));
      for (const target of a.targets) {
        const id = path.basename(target, ".md");
        expect(prompt.text).toContain(`stories/${id}/requirements.md`);
      }
    }
  });

  test("lists the concrete resources that exist now", async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain("baton://workflows");
    expect(uris).toContain(`baton://runs/${runId}`);
    expect(uris).toContain("baton://roles/product_analyst");
    for (const key of ["context", "criteria", "readme", "manifest"]) {
      expect(uris).toContain(`baton://iterations/${iterationId}/${key}`);
    }
    for (const a of assignments) expect(uris).toContain(a.prompt_uri);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(
      expect.arrayContaining([
        "baton://workflows/{name}",
        "baton://roles/{name}",
        "baton://runs/{run_id}",
        "baton://iterations/{iteration_id}/context",
        "baton://iterations/{iteration_id}/manifest",
        "baton://iterations/{iteration_id}/prompts/{assignment}",
      ]),
    );
    for (const t of resourceTemplates) expect(t.mimeType, t.uriTemplate).toBeTruthy();
  });

  test("a dry run over MCP returns the same allocation", async () => {
    const dry = await call("generate_prompts", { iteration_id: iterationId, dry_run: true });
    expect(dry.dry_run).toBe(true);
    expect(dry.assignments).toEqual(
      assignments.map((a) => expect.objectContaining({ id: a.id, targets: a.targets })),
    );
  });

  test("refuses the next iteration before this one passed, and names the dependency", async () => {
    const text = await callError("create_iteration", { run_id: runId, iteration: "technical-design" });
    expect(text).toMatch(
      /^create_iteration: iteration `technical-design` .* `requirements-analysis` \(generated\)/,
    );
    expect(text).toContain("force");
  });
});

describe("resource errors", () => {
  test("an unknown role or workflow answers InvalidParams with the valid names", async () => {
    const role = client.readResource({ uri: "baton://roles/qa_guru" });
    await expect(role).rejects.toBeInstanceOf(McpError);
    await expect(role).rejects.toMatchObject({ code: ErrorCode.InvalidParams });
    await expect(role).rejects.toThrow(/unknown role `qa_guru`; roles: .*`qa_lead`/);
    await expect(client.readResource({ uri: "baton://workflows/nope" })).rejects.toThrow(
      /unknown workflow `nope`; available: .*`user-story-refinement`/,
    );
  });

  test("an unknown iteration answers with the known ones", async () => {
    await expect(client.readResource({ uri: "baton://iterations/nope-i01/context" })).rejects.toThrow(
      /unknown iteration `nope-i01`; iterations in this workspace: /,
    );
  });
});

describe("prompts", () => {
  test("lists master_orchestrator and one prompt per role", async () => {
    const { prompts } = await client.listPrompts();
    const names = prompts.map((p) => p.name);
    const roles = [...loadRoleLibrary(dir).keys()];
    expect(names).toEqual(expect.arrayContaining(["master_orchestrator", ...roles]));
    expect(names).toHaveLength(roles.length + 1);
    const analyst = prompts.find((p) => p.name === "product_analyst");
    expect(analyst?.arguments?.map((a) => [a.name, a.required])).toEqual([
      ["task", true],
      ["targets", false],
      ["context", false],
    ]);
  });

  test("renders master_orchestrator with the tool loop", async () => {
    const result = await client.getPrompt({
      name: "master_orchestrator",
      arguments: { task: "Refine the billing epic" },
    });
    const message = result.messages[0];
    const text = message?.content.type === "text" ? message.content.text : "";
    expect(text).toContain("Refine the billing epic");
    for (const step of ["Assess", "Decide", "Delegate", "Monitor", "Validate", "Learn"])
      expect(text).toContain(step);
    for (const tool of ["create_iteration", "generate_prompts", "validate_iteration"])
      expect(text).toContain(tool);
    expect(text).toContain("user-story-refinement");
  });

  test("renders a role prompt with its task and targets", async () => {
    const result = await client.getPrompt({
      name: "product_analyst",
      arguments: {
        task: "Extract requirements for the invoice story",
        targets: "stories/US-1.md, stories/US-2.md",
      },
    });
    const message = result.messages[0];
    const text = message?.content.type === "text" ? message.content.text : "";
    const role = loadRoleLibrary(dir).get("product_analyst");
    expect(text).toContain(role?.name);
    expect(text).toContain("Extract requirements for the invoice story");
    // It stands alone (#19): the targets are what the agent may change, "done" is said in words,
    // and no run, iteration file or empty list is invented.
    expect(text).toContain("you may change them themselves");
    expect(text).toContain("- `stories/US-1.md`\n- `stories/US-2.md`");
    expect(text).toContain('"Done" means the work the task asks for is complete');
    expect(text).not.toMatch(
      /ad hoc|CONTEXT\.md|COMPLETION_CRITERIA|every check below|Write exactly these deliverables/,
    );
    expect(text).not.toMatch(/:\n\n(#|$)/);
  });

  test("a developer's role prompt names no file outside its targets", async () => {
    const result = await client.getPrompt({
      name: "developer",
      arguments: { task: "Fix the rounding bug", targets: "src/discount.js" },
    });
    const message = result.messages[0];
    const text = message?.content.type === "text" ? message.content.text : "";
    expect(text).toContain("- `src/discount.js`");
    expect(text).toContain("Change only the files listed in your assignment");
    expect(text).not.toMatch(
      /CONTEXT\.md|IMPLEMENTATION\.md|functional-review\.md|investigation\.md|out-of-scope change/,
    );
  });

  test("a role prompt without its required task is refused", async () => {
    await expect(client.getPrompt({ name: "product_analyst", arguments: {} })).rejects.toThrow(/task/);
  });
});

describe("bad arguments", () => {
  test("an unknown workflow lists the available ones", async () => {
    const text = await callError("create_iteration", { workflow: "user-story-refinment" });
    expect(text).toMatch(/^create_iteration: unknown workflow `user-story-refinment`; available workflows: /);
    for (const name of ["user-story-refinement", "incident-response", "documentation"])
      expect(text).toContain(`\`${name}\``);
  });

  test("neither workflow nor run_id names both options", async () => {
    const text = await callError("create_iteration", {});
    expect(text).toMatch(
      /give `workflow` to start a new run or `run_id` to continue one; workflows: .*`code-review`/,
    );
  });

  test("a missing iteration_id is named", async () => {
    const text = await callError("generate_prompts", {});
    expect(text).toMatch(/Input validation error/);
    expect(text).toContain("iteration_id");
  });

  test("a wrong type is named", async () => {
    const text = await callError("generate_prompts", { iteration_id: "x", dry_run: "yes" });
    expect(text).toContain("dry_run");
  });

  test("an unknown iteration lists the known ones", async () => {
    const text = await callError("generate_prompts", { iteration_id: "nope-i01" });
    expect(text).toMatch(/^generate_prompts: unknown iteration `nope-i01`; iterations in this workspace: /);
  });

  test("a missing required run input is named with its description", async () => {
    const text = await callError("create_iteration", { workflow: "incident-response" });
    expect(text).toMatch(/workflow `incident-response` needs input `id`/);
  });

  test("a workflow path outside the workspace is refused", async () => {
    const text = await callError("create_iteration", { workflow: "../../etc/evil.yaml" });
    expect(text).toMatch(/contains `\.\.`/);
  });
});
