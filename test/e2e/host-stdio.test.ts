import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  type CallToolResult,
  CallToolResultSchema,
  ElicitRequestSchema,
  type ElicitResult,
} from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { callError, callOk, connectInMemory } from "../helpers/mcp.js";
import { roleLibrary, writeFiles } from "../helpers/temp.js";

// What a host sees of Baton beyond the data: readable text content with resource links, progress
// that finishes, completions of ids, questions to the person (elicitation), paged resource lists.

const NOTES = `workflow:
  name: notes
  description: One note per topic, reviewed by a person
  inputs:
    topic: { description: "what the notes are about", required: true }
  iterations:
    - name: write
      goal: Write the notes about {topic}
      approval: required
      agents:
        - role: developer
          targets: ["topics/*.md"]
          deliverables: ["notes/{target_name}.md"]
      completion_criteria:
        - { check: min_bytes, deliverable: "notes/{target_name}.md", bytes: 50 }
        - Every note is accurate
`;

const textOf = (result: CallToolResult): string =>
  result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");

test.override({
  shared: {
    files: {
      ...roleLibrary(),
      ".baton/workflows/notes.yaml": NOTES,
      "topics/alpha.md": "# Alpha\n",
      "topics/beta.md": "# Beta\n",
    },
  },
});

describe("host experience over stdio", () => {
  let dir: string;
  let client: Client;
  /** Progress notifications as they arrive on the wire, before the SDK client handles them. */
  const wire: { progress: number; total?: number }[] = [];

  test.beforeAll(({ sharedDir, sharedStdio }) => {
    dir = sharedDir;
    client = sharedStdio.client;
    // The SDK client handles a notification a microtask after a response that arrived in the same
    // read, and drops progress once its request is answered: what the server sent is read here.
    const transport = client.transport as Transport;
    const deliver = transport.onmessage;
    transport.onmessage = (message) => {
      if ("method" in message && message.method === "notifications/progress")
        wire.push(message.params as { progress: number; total?: number });
      deliver?.(message);
    };
  });

  test("progress reaches total; a claimed prompt is Markdown with a resource link; ids complete", async () => {
    const { iteration_id } = await callOk<{ iteration_id: string }>(client, "create_iteration", {
      workflow: "notes",
      inputs: { topic: "greek letters" },
    });
    wire.length = 0;
    const generated = (await client.callTool(
      { name: "generate_prompts", arguments: { iteration_id } },
      CallToolResultSchema,
      { onprogress: () => {} },
    )) as CallToolResult;
    expect(generated.isError ?? false).toBe(false);
    // Every notification was on the wire before the result.
    expect(wire.length).toBeGreaterThan(1);
    const last = wire.at(-1);
    expect(last?.progress).toBe(last?.total);
    const generatedLinks = generated.content.filter((c) => c.type === "resource_link");
    expect(generatedLinks.length).toBeGreaterThan(0);

    const claimed = (await client.callTool({
      name: "claim_assignment",
      arguments: { agent: "worker-1" },
    })) as CallToolResult;
    const structured = claimed.structuredContent as {
      assignment_id: string;
      prompt: string;
      prompt_uri: string;
    };
    const text = textOf(claimed);
    // The prompt itself, not a JSON string with escaped newlines.
    expect(text).toContain(structured.prompt);
    expect(text).not.toContain("\\n");
    expect(text).toMatch(/^# /m);
    const link = claimed.content.find((c) => c.type === "resource_link");
    expect(link).toMatchObject({
      type: "resource_link",
      uri: structured.prompt_uri,
      mimeType: "text/markdown",
    });

    const iterations = await client.complete({
      ref: { type: "ref/resource", uri: "baton://iterations/{iteration_id}/prompts/{assignment}" },
      argument: { name: "iteration_id", value: iteration_id.slice(0, 4) },
    });
    expect(iterations.completion.values).toEqual([iteration_id]);
    const assignments = await client.complete({
      ref: { type: "ref/resource", uri: "baton://iterations/{iteration_id}/prompts/{assignment}" },
      argument: { name: "assignment", value: "dev" },
      context: { arguments: { iteration_id } },
    });
    expect(assignments.completion.values).toContain(structured.assignment_id.replace(/^.*\//, ""));
    expect(assignments.completion.values.every((v) => v.startsWith("developer-"))).toBe(true);
    const workflows = await client.complete({
      ref: { type: "ref/prompt", name: "master_orchestrator" },
      argument: { name: "workflow", value: "no" },
    });
    expect(workflows.completion.values).toEqual(["notes"]);
    const none = await client.complete({
      ref: { type: "ref/resource", uri: "baton://runs/{run_id}" },
      argument: { name: "run_id", value: "zzz" },
    });
    expect(none.completion.values).toEqual([]);

    // Submission and validation: failures as a list, the rework prompt as Markdown, the report as a link.
    writeFiles(dir, { "notes/alpha.md": textOfSize(10), "notes/beta.md": textOfSize(10) });
    const submitted = (await client.callTool({
      name: "submit_assignment",
      arguments: { assignment_id: structured.assignment_id },
    })) as CallToolResult;
    expect(textOf(submitted)).toContain("## Failures");
    expect(textOf(submitted)).toContain("# Rework 1 of");
    const validated = (await client.callTool({
      name: "validate_iteration",
      arguments: { iteration_id },
    })) as CallToolResult;
    const uris = validated.content.flatMap((c) => (c.type === "resource_link" ? [c.uri] : []));
    expect(uris[0]).toBe(`baton://iterations/${iteration_id}/validation`);
    expect(textOf(validated)).toContain("## Failures");
    // The rework prompt submit wrote is listed next to the original prompt.
    const listed = (await client.listResources()).resources.map((r) => r.uri);
    expect(listed).toEqual(expect.arrayContaining([...uris, `${structured.prompt_uri}-rework-1`]));
  });
});

describe("a client that can show forms (elicitation)", () => {
  test.override({
    files: { ...roleLibrary(), ".baton/workflows/notes.yaml": NOTES, "topics/alpha.md": "# Alpha\n" },
  });

  test("is asked for a missing input and for a review; a declined form changes nothing", async ({ dir }) => {
    const asked: { message: string; fields: string[] }[] = [];
    const answers: ElicitResult[] = [
      { action: "decline" },
      { action: "accept", content: { topic: "letters" } },
      { action: "cancel" },
      {
        action: "accept",
        content: { decision: "reject", criterion_1: false, notes: "Add the etymology.", reviewer: "Ana" },
      },
    ];
    const { client, close } = await connectInMemory(dir, {
      client: { capabilities: { elicitation: {} } },
      setup: (c) =>
        c.setRequestHandler(ElicitRequestSchema, (request) => {
          const params = request.params as { message: string; requestedSchema: { properties: object } };
          asked.push({ message: params.message, fields: Object.keys(params.requestedSchema.properties) });
          return answers.shift() ?? { action: "cancel" };
        }),
    });
    try {
      expect(await callError(client, "create_iteration", { workflow: "notes" })).toContain(
        "the person declined the form for input `topic`: nothing was created",
      );
      expect((await callOk<{ runs: unknown[] }>(client, "get_status", {})).runs).toEqual([]);
      const { iteration_id } = await callOk<{ iteration_id: string }>(client, "create_iteration", {
        workflow: "notes",
      });
      expect(asked[0]).toEqual({ message: expect.stringContaining("notes"), fields: ["topic"] });
      await callOk(client, "generate_prompts", { iteration_id });
      writeFiles(dir, { "notes/alpha.md": textOfSize(200) });
      expect(await callOk(client, "validate_iteration", { iteration_id })).toMatchObject({
        awaiting_approval: true,
      });

      const cancelled = await callOk<{ decision: string; state: string; next: string }>(
        client,
        "review_iteration",
        { iteration_id },
      );
      expect(cancelled).toMatchObject({ decision: "none", state: "awaiting_approval" });
      expect(cancelled.next).toContain("cancelled the review: nothing changed");
      expect(asked[2]?.fields).toEqual(["decision", "criterion_1", "notes", "reviewer"]);

      const rejected = await callOk<{ decision: string; rework: { prompt_uri: string }[] }>(
        client,
        "review_iteration",
        { iteration_id },
      );
      expect(rejected.decision).toBe("reject");
      const prompt = await client.readResource({ uri: rejected.rework[0]?.prompt_uri as string });
      const text = String((prompt.contents[0] as { text?: string }).text);
      expect(text).toContain("Ana rejected them");
      expect(text).toContain("> Add the etymology.");
      expect(text).toContain("- Every note is accurate");
    } finally {
      await close();
    }
  });
});

describe("a workspace of many prompts", () => {
  // One topic per assignment: 110 prompts.
  test.override({
    files: {
      ...roleLibrary(),
      ".baton/workflows/notes.yaml": `${NOTES}agent_roles:\n  developer: { complexity_threshold: 1 }\n`,
      ...Object.fromEntries(
        Array.from({ length: 110 }, (_, i) => [`topics/t${String(i).padStart(3, "0")}.md`, "# T\n"]),
      ),
    },
  });

  test("pages resources/list beyond 100 entries", async ({ mcp: client }) => {
    const { iteration_id } = await callOk<{ iteration_id: string }>(client, "create_iteration", {
      workflow: "notes",
      inputs: { topic: "t" },
    });
    await callOk(client, "generate_prompts", { iteration_id });
    const first = await client.listResources();
    expect(first.resources).toHaveLength(100);
    expect(first.nextCursor).toBeDefined();
    const second = await client.listResources({ cursor: first.nextCursor });
    const all = [...first.resources, ...second.resources].map((r) => r.uri);
    expect(new Set(all).size).toBe(all.length);
    const prompts = all.filter((u) => u.startsWith(`baton://iterations/${iteration_id}/prompts/`));
    expect(prompts.length).toBeGreaterThan(0);
    expect(all).toContain(`baton://iterations/${iteration_id}/context`);
  });
});
