import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, onTestFinished } from "vitest";
import { test } from "../helpers/fixtures.js";
import { connectStdio } from "../helpers/mcp.js";
import type { startNode } from "../helpers/processes.js";
import { CLI, REPO_ROOT, roleYaml, writeFiles } from "../helpers/temp.js";

// The built server (dist/cli.js) spoken to over raw stdio: every stdout line must be JSON-RPC,
// bad input is answered instead of ending the session, and a broken role file does not stop it.

// Each test on its own copy of the example workspace.
test.override({ example: true });

interface RawServer {
  send(text: string): void;
  /** The next stdout line, parsed: a line that is not JSON fails the test. */
  next(): Promise<Record<string, unknown>>;
  lines: string[];
}

/** `baton serve` on a workspace (started by the test's `spawnNode`), spoken to line by line. */
function rawServer(spawnNode: typeof startNode, dir: string): RawServer {
  const { child } = spawnNode([CLI, "-w", dir, "serve"], { cwd: REPO_ROOT });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    waiting.shift()?.(line);
  });
  let read = 0;
  return {
    lines,
    send: (text) => child.stdin.write(text),
    next: () =>
      new Promise((resolve, reject) => {
        const take = (line: string) => {
          try {
            resolve(JSON.parse(line) as Record<string, unknown>);
          } catch {
            reject(new Error(`stdout carried a line that is not JSON-RPC: ${line.slice(0, 200)}`));
          }
        };
        const line = lines[read++];
        if (line !== undefined) take(line);
        else waiting.push(take);
      }),
  };
}

const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
};

async function initialized(server: RawServer): Promise<void> {
  server.send(`${JSON.stringify(INITIALIZE)}\n`);
  expect((await server.next()).id).toBe(1);
  server.send(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
}

describe("stdio hardening (#12.9, #12.11)", () => {
  test("answers an 11 MB message with a JSON-RPC error and keeps serving", async ({ dir, spawnNode }) => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    const server = rawServer(spawnNode, dir);
    await initialized(server);
    // The SDK's client puts `id` last; the server finds it there without buffering the message.
    const huge = `{"method":"tools/call","params":{"name":"get_status","arguments":{"x":"${"a".repeat(11 * 1024 * 1024)}"}},"jsonrpc":"2.0","id":2}\n`;
    server.send(huge);
    const rejected = await server.next();
    expect(rejected).toMatchObject({ jsonrpc: "2.0", id: 2, error: { code: -32600 } });
    expect((rejected.error as { message: string }).message).toMatch(/over the 10485760-byte limit/);
    server.send("this is not json\n");
    expect(await server.next()).toMatchObject({ id: null, error: { code: -32700 } });
    server.send(`${JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" })}\n`);
    const listed = await server.next();
    expect(listed.id).toBe(3);
    expect((listed.result as { tools: unknown[] }).tools.length).toBeGreaterThan(0);
  });

  test("keeps stdout pure JSON-RPC when a workspace template uses {{log}}", async ({ dir, spawnNode }) => {
    writeFiles(dir, {
      ".baton/templates/master-orchestrator.md.hbs": '{{log "LEAKED-TO-STDOUT"}}# Orchestrate\n',
    });
    const server = rawServer(spawnNode, dir);
    await initialized(server);
    server.send(
      `${JSON.stringify({ jsonrpc: "2.0", id: 2, method: "prompts/get", params: { name: "master_orchestrator", arguments: {} } })}\n`,
    );
    const answer = await server.next();
    expect(answer.id).toBe(2);
    expect(JSON.stringify(answer.result)).toContain("# Orchestrate");
    expect(server.lines.join("\n")).not.toContain("LEAKED-TO-STDOUT");
  });
});

describe("a malformed .baton/roles/*.yaml (#12.12)", () => {
  test("lets serve start; only a workflow using that role fails, naming the file and position", async ({
    dir,
  }) => {
    writeFiles(dir, {
      ".baton/roles/broken_role.yaml": `${roleYaml("Broken")}  - [unclosed\n`,
      ".baton/workflows/uses-broken.yaml": `workflow:
  name: uses-broken
  description: needs the broken role
  iterations:
    - name: one
      goal: write it
      agents:
        - role: broken_role
          deliverables: [out/one.md]
`,
      ".baton/workflows/fine.yaml": `workflow:
  name: fine
  description: needs a shipped role only
  iterations:
    - name: one
      goal: write it
      agents:
        - role: developer
          deliverables: [out/fine.md]
`,
    });
    // Started only now: the broken role file is there when serve starts.
    const { client } = await connectStdio(dir);
    onTestFinished(() => client.close());
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    const fine = (await client.callTool({
      name: "create_iteration",
      arguments: { workflow: "fine" },
    })) as CallToolResult;
    expect(fine.isError ?? false, JSON.stringify(fine.content)).toBe(false);
    const broken = (await client.callTool({
      name: "create_iteration",
      arguments: { workflow: "uses-broken" },
    })) as CallToolResult;
    expect(broken.isError).toBe(true);
    const text = broken.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
    expect(text).toMatch(
      /role `broken_role` is defined by a file with errors: \.baton\/roles\/broken_role\.yaml:\d+:\d+: YAML/,
    );
    expect(text).not.toContain(dir);
  });
});
