import { existsSync } from "node:fs";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import type { SubscriptionHub } from "../../src/resources/subscriptions.js";
import { type BuiltServer, createServer, openDeps, type ServerDeps } from "../../src/server.js";
import { CLI, REPO_ROOT } from "./temp.js";

// The one place tests make MCP clients: in memory against createServer, or over stdio against the
// built server (dist/cli.js). Tool calls go through callOk / callError.

/**
 * An SDK client connected in memory to a Baton server: on a workspace folder (the helper opens and
 * closes its store) or on `deps` the caller opened (the caller keeps the store).
 */
export async function connectInMemory(
  target: string | ServerDeps,
  options: { hub?: SubscriptionHub; client?: ClientOptions; setup?: (client: Client) => void } = {},
): Promise<{ client: Client; built: BuiltServer; close: () => Promise<void> }> {
  const owned = typeof target === "string" ? openDeps({ workspace: target }) : undefined;
  const built = createServer(owned ?? (target as ServerDeps), { hub: options.hub });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await built.server.connect(serverTransport);
  const client = new Client({ name: "baton-test", version: "0.0.0" }, options.client);
  options.setup?.(client);
  await client.connect(clientTransport);
  return {
    client,
    built,
    close: async () => {
      await client.close();
      await built.close();
      owned?.store.close();
    },
  };
}

/** How `connectStdio` spawns the server. */
export interface StdioOptions {
  /** The cli.js to run instead of this checkout's dist/cli.js (e.g. an installed or broken copy). */
  cli?: string;
  /** The CLI's arguments instead of `-w <dir> serve ...serveArgs`. */
  args?: string[];
  cwd?: string;
  onStderr?: (text: string) => void;
  /** Options of `node` itself (e.g. `--require` of a tracer), before the CLI. */
  nodeArgs?: string[];
  /** Options of `serve` (e.g. `--allow-commands`). */
  serveArgs?: string[];
  /** The server's whole environment; the SDK's default passes only a safe few variables. */
  env?: Record<string, string>;
}

/** An SDK client speaking to `node dist/cli.js -w <dir> serve` (or another cli.js) over stdio: the real process. */
export async function connectStdio(
  dir: string,
  options: StdioOptions = {},
): Promise<{ client: Client; transport: StdioClientTransport }> {
  const cli = options.cli ?? CLI;
  expect(existsSync(cli), options.cli ? `${cli} is missing` : `${CLI} is missing: run npm run build`).toBe(
    true,
  );
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      ...(options.nodeArgs ?? []),
      cli,
      ...(options.args ?? ["-w", dir, "serve", ...(options.serveArgs ?? [])]),
    ],
    cwd: options.cwd ?? REPO_ROOT,
    stderr: "pipe",
    ...(options.env ? { env: options.env } : {}),
  });
  const onStderr = options.onStderr;
  if (onStderr) transport.stderr?.on("data", (chunk: Buffer) => onStderr(chunk.toString()));
  const client = new Client({ name: "baton-e2e", version: "0.0.0" });
  try {
    await client.connect(transport);
  } catch (error) {
    await transport.close(); // a server that failed to initialize must not outlive the test
    throw error;
  }
  return { client, transport };
}

/** Calls a tool that must succeed; returns its structuredContent. */
export async function callOk<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError ?? false, `${name}: ${JSON.stringify(result.content)}`).toBe(false);
  expect(result.structuredContent, `${name} returned no structuredContent`).toBeDefined();
  return result.structuredContent as T;
}

/** Calls a tool that must fail with an `isError` result; returns its text. */
export async function callError(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<string> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError, `${name} was expected to fail: ${JSON.stringify(result.structuredContent)}`).toBe(
    true,
  );
  return result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
}
