import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect } from "vitest";
import { openDeps, type ServerDeps } from "../../src/server.js";
import { type HttpHandle, startHttp } from "../../src/transports/http.js";
import { test } from "../helpers/fixtures.js";
import { connectHttp } from "../helpers/mcp.js";
import { CLI, REPO_ROOT } from "../helpers/temp.js";
import { cleanEnv, type SpawnedServer, spawnHttpServer } from "./http-server.js";

// Session limits of Streamable HTTP (issue #12.16): a cap on open sessions, idle sessions reaped even
// while they hold an SSE stream, and only configured browser origins.

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
const PROTOCOL = "2025-11-25";
const initialize = (id: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "initialize",
    params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: "raw", version: "0" } },
  });

describe("HTTP sessions in process (real HTTP, a clock the test moves)", () => {
  let deps: ServerDeps;
  let http: HttpHandle;
  let clock = 1_000_000;
  const clients: Client[] = [];

  test.beforeEach(async ({ dir }) => {
    deps = openDeps({ workspace: dir });
    http = await startHttp(deps, { port: 0, host: "127.0.0.1", idleTimeoutMs: 60_000, now: () => clock });
  });
  test.afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await http.close();
    deps.store.close();
  });

  test("closes a session idle past the timeout although it holds an SSE stream, and ends that stream", async () => {
    // Raw requests, so that the test holds the session's one SSE stream and sees it end.
    const init = await fetch(http.url, { method: "POST", headers: JSON_HEADERS, body: initialize(1) });
    expect(init.status).toBe(200);
    const sessionId = init.headers.get("mcp-session-id") as string;
    await init.text();
    const session = { "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": PROTOCOL };
    const initialized = await fetch(http.url, {
      method: "POST",
      headers: { ...JSON_HEADERS, ...session },
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    });
    expect(initialized.status).toBe(202);
    const stream = await fetch(http.url, { headers: { Accept: "text/event-stream", ...session } });
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();

    clock += 59_000;
    expect(await http.reapIdle()).toBe(0);
    expect(http.sessions).toBe(1);

    clock += 2_000;
    expect(await http.reapIdle()).toBe(1);
    expect(http.sessions).toBe(0);
    let done = false;
    while (!done) done = (await reader.read()).done;
    const after = await fetch(http.url, {
      method: "POST",
      headers: { ...JSON_HEADERS, ...session },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping" }),
    });
    expect(after.status).toBe(404);
  });

  test("counts idle time from the last request, so a session in use stays open", async () => {
    const busy = await connectHttp(http.url);
    const idle = await connectHttp(http.url);
    clients.push(busy.client, idle.client);
    clock += 50_000;
    await busy.client.ping();
    clock += 50_000;
    expect(await http.reapIdle()).toBe(1);
    expect(http.sessions).toBe(1);
    await expect(busy.client.ping()).resolves.toEqual({});
  });
  test("answers an oversized message with a JSON-RPC error and goes on serving", async () => {
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "ping",
      params: { pad: "x".repeat(200_000) },
    });
    const res = await fetch(http.url, { method: "POST", headers: JSON_HEADERS, body: huge });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      jsonrpc: "2.0",
      error: { message: expect.stringContaining("100 KB") },
    });
    const { client } = await connectHttp(http.url);
    clients.push(client);
    await expect(client.ping()).resolves.toEqual({});
  });
});

describe("baton serve --http --max-sessions 2 --allow-origin http://localhost:5173", () => {
  let server: SpawnedServer;

  test.beforeEach(async ({ dir }) => {
    server = await spawnHttpServer(dir, {
      args: ["--max-sessions", "2", "--allow-origin", "http://localhost:5173"],
    });
  });
  test.afterEach(async () => {
    await server?.stop();
  });

  test("refuses a third session with 503 until one of the two ends", async () => {
    const post = (id: number) =>
      fetch(server.url, { method: "POST", headers: JSON_HEADERS, body: initialize(id) });
    const first = await connectHttp(server.url);
    const second = await connectHttp(server.url);
    const third = await post(3);
    expect(third.status).toBe(503);
    expect(await third.text()).toContain("2 sessions are open");
    await first.transport.terminateSession();
    await first.client.close();
    const fourth = await post(4);
    expect(fourth.status).toBe(200);
    await fourth.body?.cancel();
    await second.client.close();
  });

  test("accepts an origin given with --allow-origin and still refuses others", async () => {
    const post = (origin: string) =>
      fetch(server.url, {
        method: "POST",
        headers: { ...JSON_HEADERS, Origin: origin },
        body: initialize(1),
      });
    const allowed = await post("http://localhost:5173");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    await allowed.body?.cancel();
    expect((await post("http://localhost:5174")).status).toBe(403);
    expect((await post("https://localhost:5173")).status).toBe(403);
  });
});

describe("baton serve session flags", () => {
  test("names a bad --max-sessions, --idle-timeout or --allow-origin and wants --http for them", async ({
    dir,
  }) => {
    const serve = async (args: string[]) => {
      try {
        await promisify(execFile)(process.execPath, [CLI, "-w", dir, "serve", ...args], {
          cwd: REPO_ROOT,
          env: cleanEnv(),
        });
        return "";
      } catch (error) {
        return (error as { stderr?: string }).stderr ?? "";
      }
    };
    const [zero, idle, origin, noHttp] = await Promise.all([
      serve(["--http", "--max-sessions", "0"]),
      serve(["--http", "--idle-timeout", "soon"]),
      serve(["--http", "--allow-origin", "http://localhost:5173/app"]),
      serve(["--idle-timeout", "5"]),
    ]);
    expect(zero).toContain("--max-sessions takes a whole number from 1; got `0`");
    expect(idle).toContain("--idle-timeout takes a whole number from 0; got `soon`");
    expect(origin).toContain("--allow-origin takes an origin such as http://localhost:5173");
    expect(noHttp).toContain("add --http");
  });
});
