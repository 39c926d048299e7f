import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type CallToolResult, ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { expect } from "vitest";
import type { SubscriptionHub } from "../../src/resources/subscriptions.js";
import { type BuiltServer, createServer, openDeps, type ServerDeps } from "../../src/server.js";
import { CLI, REPO_ROOT } from "./temp.js";

// The one place tests make MCP clients: in memory against createServer (or the roots server), over
// stdio against the built server (dist/cli.js), or over HTTP to a served URL. Tool calls go through
// callOk / callError.

/** What a client declares and handles before it connects: capabilities, request handlers. */
export interface ClientSetup {
  client?: ClientOptions;
  setup?: (client: Client) => void;
}

function newClient(options: ClientSetup): Client {
  const client = new Client({ name: "baton-test", version: "0.0.0" }, options.client);
  options.setup?.(client);
  return client;
}

/** A client that offers `roots()` (folders) as its roots, asked anew after roots/list_changed. */
export function offeringRoots(roots: () => readonly string[]): ClientSetup {
  return {
    client: { capabilities: { roots: { listChanged: true } } },
    setup: (client) =>
      client.setRequestHandler(ListRootsRequestSchema, () => ({
        roots: roots().map((root) => ({ uri: pathToFileURL(root).href, name: path.basename(root) })),
      })),
  };
}

/**
 * An SDK client connected in memory to a Baton server: on a workspace folder (the helper opens and
 * closes its store) or on `deps` the caller opened (the caller keeps the store).
 */
export async function connectInMemory(
  target: string | ServerDeps,
  options: ClientSetup & { hub?: SubscriptionHub } = {},
): Promise<{ client: Client; built: BuiltServer; close: () => Promise<void> }> {
  const owned = typeof target === "string" ? openDeps({ workspace: target }) : undefined;
  const built = createServer(owned ?? (target as ServerDeps), { hub: options.hub });
  const { client, close } = await connectBuilt(built, options);
  return {
    client,
    built,
    close: async () => {
      await close();
      owned?.store.close();
    },
  };
}

/** An SDK client connected in memory to a server already built (createServer, createRootsServer). */
export async function connectBuilt(
  built: { server: { connect(transport: Transport): Promise<void> }; close(): Promise<void> },
  options: ClientSetup = {},
): Promise<{ client: Client; close: () => Promise<void> }> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await built.server.connect(serverTransport);
  const client = newClient(options);
  await client.connect(clientTransport);
  return {
    client,
    close: async () => {
      await client.close();
      await built.close();
    },
  };
}

/** An SDK client speaking to a Baton server over streamable HTTP at `url`, with a bearer `token`. */
export async function connectHttp(
  url: string,
  options: ClientSetup & { token?: string } = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: options.token ? { headers: { Authorization: `Bearer ${options.token}` } } : undefined,
  });
  const client = newClient(options);
  await client.connect(transport);
  return { client, transport };
}

/** How `connectStdio` spawns the server (and what its client declares). */
export interface StdioOptions extends ClientSetup {
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
  const client = newClient(options);
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
