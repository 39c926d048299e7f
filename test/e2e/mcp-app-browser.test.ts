import { existsSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult, TextResourceContents } from "@modelcontextprotocol/sdk/types.js";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { describe, expect } from "vitest";
import { RUN_VIEW_URI } from "../../src/dashboard/mcp-app.js";
import { CHROMIUM } from "../helpers/browser.js";
import { test } from "../helpers/fixtures.js";
import { startIteration } from "../helpers/items.js";
import { CLI, REPO_ROOT } from "../helpers/temp.js";
import { cleanEnv } from "./http-server.js";

// The MCP App as a host that supports the extension shows it: the built server spawned over stdio,
// the ui:// resource framed by the extension's AppBridge in headless Chromium, fed get_status's
// result; its Refresh button calls get_status back through the host.

test.override({ shared: { example: true, server: { env: cleanEnv() as Record<string, string> } } });

describe.skipIf(!CHROMIUM)("the MCP App run view in a host", () => {
  let client: Client;
  let browser: Browser;
  let runId: string;

  test.beforeAll(async ({ sharedBaton, sharedStdio }) => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    ({ runId } = await startIteration(sharedBaton.engine, "user-story-refinement"));
    client = sharedStdio.client;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  });
  test.afterAll(async () => {
    await browser?.close();
  });

  test("renders get_status's result inline and refreshes through the host's tools/call", async () => {
    const tools = (await client.listTools()).tools;
    const getStatus = tools.find((t) => t.name === "get_status");
    const uri = (getStatus?._meta?.ui as { resourceUri?: string } | undefined)?.resourceUri;
    expect(uri).toBe(RUN_VIEW_URI);
    const resource = (await client.readResource({ uri: uri as string })).contents[0] as TextResourceContents;
    expect(resource.mimeType).toBe("text/html;profile=mcp-app");
    const result = (await client.callTool({ name: "get_status", arguments: {} })) as CallToolResult;

    const host = await build({
      entryPoints: [path.join(REPO_ROOT, "test", "browser", "mcp-app-host.ts")],
      bundle: true,
      write: false,
      format: "iife",
      logLevel: "warning",
    });
    const page = await browser.newPage();
    const calls: string[] = [];
    await page.exposeFunction(
      "hostCallTool",
      async (params: { name: string; arguments?: Record<string, unknown> }) => {
        calls.push(params.name);
        return client.callTool(params);
      },
    );
    await page.setContent("<!doctype html><title>host</title><body></body>");
    await page.addScriptTag({ content: host.outputFiles[0]?.text ?? "" });
    await page.evaluate(
      ([html, toolResult]) =>
        (globalThis as unknown as { startView(h: string, r: unknown): Promise<void> }).startView(
          html,
          toolResult,
        ),
      [resource.text, result] as const,
    );

    const view = page.frameLocator("#app");
    await view.getByRole("heading", { name: /requirements-analysis/ }).waitFor({ timeout: 15_000 });
    await expect(view.getByRole("heading", { name: new RegExp(runId) }).count()).resolves.toBe(1);
    expect(await view.getByRole("progressbar").count()).toBeGreaterThan(1);
    expect(calls).toEqual([]);
    await view.getByRole("button", { name: "Refresh" }).click();
    await view.getByRole("button", { name: "Refresh" }).waitFor({ timeout: 15_000 });
    await expect.poll(() => calls, { timeout: 15_000 }).toEqual(["get_status"]);
  });
});
