import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { runCli } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { REPO_ROOT, writeFiles } from "../helpers/temp.js";

// Runs the built server (`npm test` builds dist/ before vitest; while working: `npm run build`).

test.override({ shared: { example: true } });

// One server for the block: its tests follow one run from start-up to status.
describe("baton serve over stdio", () => {
  let dir: string;
  let client: Client;
  let stderr: () => string;

  test.beforeAll(({ sharedDir, sharedStdio }) => {
    dir = sharedDir;
    ({ client, stderr } = sharedStdio);
  });

  test("initializes as baton with tools, resources and prompts", () => {
    const version = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version as string;
    expect(client.getServerVersion()).toMatchObject({ name: "baton", version });
    const capabilities = client.getServerCapabilities();
    expect(capabilities?.tools).toBeDefined();
    expect(capabilities?.resources).toBeDefined();
    expect(capabilities?.prompts).toBeDefined();
    expect(client.getInstructions()).toContain("create_iteration");
  });

  test("runs iteration 1 of user-story-refinement and serves its files", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(["create_iteration", "generate_prompts", "get_status"]),
    );

    const created = (await client.callTool({
      name: "create_iteration",
      arguments: { workflow: "user-story-refinement" },
    })) as CallToolResult;
    expect(created.isError ?? false, JSON.stringify(created.content)).toBe(false);
    const {
      iteration_id,
      path: folder,
      targets,
    } = created.structuredContent as {
      iteration_id: string;
      path: string;
      targets: number;
    };
    const stories = readdirSync(path.join(dir, "stories")).filter((f) => f.endsWith(".md"));
    expect(targets).toBe(stories.length);

    const generated = (await client.callTool({
      name: "generate_prompts",
      arguments: { iteration_id },
    })) as CallToolResult;
    expect(generated.isError ?? false, JSON.stringify(generated.content)).toBe(false);
    const { assignments } = generated.structuredContent as {
      assignments: {
        local_id: string;
        prompt_uri: string;
        prompt_path: string;
        estimated_tokens: number;
        token_budget: number;
        targets: string[];
      }[];
    };
    expect(assignments.length).toBeGreaterThan(0);
    expect(assignments.flatMap((a) => a.targets)).toHaveLength(stories.length);
    for (const a of assignments) expect(a.estimated_tokens).toBeLessThanOrEqual(a.token_budget);

    // The files were written in the workspace by the server process.
    expect(existsSync(path.join(dir, folder, "manifest.json"))).toBe(true);
    const first = assignments[0] as (typeof assignments)[number];
    const { contents } = await client.readResource({ uri: first.prompt_uri });
    const text = (contents[0] as { text: string }).text;
    expect(text).toBe(readFileSync(path.join(dir, first.prompt_path), "utf8"));
    expect(text).toContain("requirements.md");

    for (const key of ["context", "criteria", "readme", "manifest"]) {
      const resource = await client.readResource({ uri: `baton://iterations/${iteration_id}/${key}` });
      expect((resource.contents[0] as { text: string }).text.length, key).toBeGreaterThan(0);
    }

    const status = (await client.callTool({ name: "get_status", arguments: {} })) as CallToolResult;
    const { runs } = status.structuredContent as {
      runs: { iterations: { id: string; state: string; assignments: { state: string }[] }[] }[];
    };
    expect(runs).toHaveLength(1);
    expect(runs[0]?.iterations[0]).toMatchObject({ id: iteration_id, state: "generated" });
    expect(runs[0]?.iterations[0]?.assignments.map((a) => a.state)).toEqual(assignments.map(() => "pending"));

    // The state lives in the workspace's database.
    expect(existsSync(path.join(dir, ".baton", "baton.db"))).toBe(true);
    // stdout belongs to the protocol; diagnostics go to stderr.
    expect(stderr()).toContain("serving");
  });
});

describe("baton check", () => {
  test("prints every error of a broken workflow with file:line:col and exits 1", async ({ dir }) => {
    writeFiles(dir, {
      "broken.yaml": `workflow:
  name: broken
  description: A broken workflow
  iterations:
    - name: first
      goal: Do it
      dependencies: [zeroth]
      agents:
        - role: qa_guru
          targets: ["stories/*.md"]
          deliverables: ["out/{nope}.md"]
`,
    });
    const result = await runCli(["-w", dir, "check", "broken.yaml"], dir);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toContain(
      "broken.yaml:7:22: unknown dependency `zeroth` of iteration `first`; iterations: `first`",
    );
    expect(
      lines.find((l) =>
        l.startsWith("broken.yaml:9:17: unknown role `qa_guru` in iteration `first`; known roles: "),
      ),
    ).toContain("`qa_lead`");
    expect(lines.find((l) => l.startsWith("broken.yaml:11:26: unknown placeholder `{nope}`"))).toContain(
      "known placeholders: {id}, {<name>_id}, {target}, {target_dir}, {target_name}",
    );
    expect(lines.at(-1)).toBe("1 of 1 file(s) have errors");
    expect(result.stdout).not.toContain("ok");
  });

  test("reports a YAML syntax error with its position", async ({ dir }) => {
    writeFiles(dir, { "syntax.yaml": "workflow:\n  name: a: b\n" });
    const result = await runCli(["-w", dir, "check", "syntax.yaml"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^syntax\.yaml:2:9: YAML: /m);
  });

  test("accepts every shipped workflow and exits 0", async () => {
    const files = readdirSync(path.join(REPO_ROOT, "workflows"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => path.join("workflows", f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const result = await runCli(["check", ...files], REPO_ROOT);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const file of files) expect(result.stdout).toContain(`ok   ${file}`);
  });
});
