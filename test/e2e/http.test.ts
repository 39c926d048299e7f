import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { promisify } from "node:util";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { TextResourceContents } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { connectHttp } from "../helpers/mcp.js";
import { CLI, REPO_ROOT } from "../helpers/temp.js";
import { cleanEnv, type SpawnedServer, spawnHttpServer } from "./http-server.js";

const exec = promisify(execFile);

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
});

/** A raw HTTP request, so that Host can be anything (fetch does not let a caller set it). */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "POST", headers: options.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

/** Runs `node dist/cli.js …`; resolves with the exit code and stderr instead of throwing on exit 1. */
async function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await exec(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: cleanEnv() });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stderr: e.stderr ?? "" };
  }
}

describe("baton serve --http with BATON_TOKEN", () => {
  const token = randomBytes(16).toString("hex");
  let server: SpawnedServer;
  const clients: Client[] = [];

  // One server for the block.
  test.beforeAll(async ({ sharedDir }) => {
    server = await spawnHttpServer(sharedDir, { env: { BATON_TOKEN: token } });
  });
  test.afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await server?.stop();
  });

  test("prints a loopback URL with the port it got", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.url).not.toContain(":0/");
    expect(server.stderr()).toContain("bearer token required");
  });

  test("answers 401 with a Bearer challenge when the token is missing", async () => {
    const res = await fetch(server.url, { method: "POST", headers: JSON_HEADERS, body: INITIALIZE });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token"/);
    await expect(connectHttp(server.url)).rejects.toMatchObject({
      code: 401,
      message: expect.stringContaining("Missing Authorization header"),
    });
  });

  test("answers 401 with invalid_token when the token is wrong", async () => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { ...JSON_HEADERS, Authorization: `Bearer ${token}x` },
      body: INITIALIZE,
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    await expect(connectHttp(server.url, { token: "wrong" })).rejects.toMatchObject({
      code: 401,
      message: expect.stringContaining("BATON_TOKEN"),
    });
  });

  test("serves a client that sends Authorization: Bearer <token>", async () => {
    const { client } = await connectHttp(server.url, { token });
    clients.push(client);
    expect(client.getServerVersion()?.name).toBe("baton");
    expect(client.getServerCapabilities()?.resources).toMatchObject({ subscribe: true, listChanged: true });
    expect(client.getServerCapabilities()?.logging).toBeDefined();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain("get_status");
    await expect(client.setLoggingLevel("debug")).resolves.toEqual({});
    await expect(client.subscribeResource({ uri: "baton://workflows" })).resolves.toEqual({});
    await expect(client.unsubscribeResource({ uri: "baton://workflows" })).resolves.toEqual({});
  });

  test("rejects a foreign Host header (DNS rebinding) before looking at the token", async () => {
    const headers = { ...JSON_HEADERS, Authorization: `Bearer ${token}` };
    const evil = await rawRequest(server.url, {
      headers: { ...headers, Host: "evil.example" },
      body: INITIALIZE,
    });
    expect(evil.status).toBe(403);
    expect(evil.body).toContain("Host");
    const port = new URL(server.url).port;
    const wrongPort = await rawRequest(server.url, {
      headers: { ...headers, Host: `127.0.0.1:${Number(port) === 1 ? 2 : 1}` },
      body: INITIALIZE,
    });
    expect(wrongPort.status).toBe(403);
    const localhost = await rawRequest(server.url, {
      headers: { ...headers, Host: `localhost:${port}` },
      body: INITIALIZE,
    });
    expect(localhost.status).toBe(200);
  });

  test("accepts only its own Origin: a foreign one and another local port are refused", async () => {
    const headers = { ...JSON_HEADERS, Authorization: `Bearer ${token}` };
    const port = new URL(server.url).port;
    const post = (origin: string) =>
      fetch(server.url, { method: "POST", headers: { ...headers, Origin: origin }, body: INITIALIZE });
    const evil = await post("http://evil.example");
    expect(evil.status).toBe(403);
    const otherPort = await post("http://localhost:5173");
    expect(otherPort.status).toBe(403);
    expect(await otherPort.text()).toContain("--allow-origin http://localhost:5173");
    for (const own of [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) {
      const res = await post(own);
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe(own);
      await res.body?.cancel();
    }
  });

  test("serves two clients at once on one workspace, each in its own session", async () => {
    const [a, b] = await Promise.all([
      connectHttp(server.url, { token }),
      connectHttp(server.url, { token }),
    ]);
    clients.push(a.client, b.client);
    expect(a.transport.sessionId).toBeDefined();
    expect(b.transport.sessionId).toBeDefined();
    expect(a.transport.sessionId).not.toBe(b.transport.sessionId);
    const [toolsA, toolsB, readA, readB] = await Promise.all([
      a.client.listTools(),
      b.client.listTools(),
      a.client.readResource({ uri: "baton://workflows" }),
      b.client.readResource({ uri: "baton://workflows" }),
    ]);
    expect(toolsA.tools.length).toBeGreaterThan(0);
    expect(toolsB.tools.map((tool) => tool.name)).toEqual(toolsA.tools.map((tool) => tool.name));
    const textA = (readA.contents[0] as TextResourceContents).text;
    expect(textA.length).toBeGreaterThan(0);
    expect((readB.contents[0] as TextResourceContents).text).toBe(textA);
    const [statusA, statusB] = await Promise.all([
      a.client.callTool({ name: "get_status", arguments: {} }),
      b.client.callTool({ name: "get_status", arguments: {} }),
    ]);
    expect(statusA.isError ?? false, JSON.stringify(statusA.content)).toBe(false);
    expect(statusB.isError ?? false, JSON.stringify(statusB.content)).toBe(false);
  });

  test("ends a session on DELETE; the session id is then unknown and other sessions go on", async () => {
    const other = await connectHttp(server.url, { token });
    clients.push(other.client);
    const { client, transport } = await connectHttp(server.url, { token });
    const sessionId = transport.sessionId;
    expect(sessionId).toBeDefined();
    await transport.terminateSession();
    expect(transport.sessionId).toBeUndefined();
    const after = await fetch(server.url, {
      method: "POST",
      headers: {
        ...JSON_HEADERS,
        Authorization: `Bearer ${token}`,
        "Mcp-Session-Id": sessionId as string,
        "Mcp-Protocol-Version": "2025-11-25",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} }),
    });
    expect(after.status).toBe(404);
    await client.close();
    await expect(other.client.ping()).resolves.toEqual({});
  });

  test("requires a session id for GET and DELETE, and allows only GET, POST, DELETE", async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const get = await fetch(server.url, { headers: { ...auth, Accept: "text/event-stream" } });
    expect(get.status).toBe(400);
    const put = await fetch(server.url, { method: "PUT", headers: auth });
    expect(put.status).toBe(405);
    const elsewhere = await fetch(new URL("/other", server.url), { headers: auth });
    expect(elsewhere.status).toBe(404);
  });
});

describe("baton serve --http lifecycle", () => {
  test("closes its sessions and exits 0 on SIGTERM", async ({ dir }) => {
    const server = await spawnHttpServer(dir);
    const { client } = await connectHttp(server.url);
    await client.listTools();
    expect(await server.stop()).toBe(0);
    await client.close();
    expect(server.stderr()).not.toMatch(/error/i);
  });

  test("refuses a port that is in use, with a clear message", async ({ dir }) => {
    const server = await spawnHttpServer(dir);
    try {
      const port = new URL(server.url).port;
      const second = await cli(["-w", dir, "serve", "--http", "--port", port]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      await server.stop();
    }
  });

  test("validates --port and wants --http for --port and --host", async ({ dir }) => {
    const [tooBig, notNumber, noHttp] = await Promise.all([
      cli(["-w", dir, "serve", "--http", "--port", "70000"]),
      cli(["-w", dir, "serve", "--http", "--port", "web"]),
      cli(["-w", dir, "serve", "--port", "8080"]),
    ]);
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toContain("--port takes a port number from 0 to 65535");
    expect(notNumber.code).toBe(1);
    expect(notNumber.stderr).toContain("got `web`");
    expect(noHttp.code).toBe(1);
    expect(noHttp.stderr).toContain("add --http");
  });
});
