import { existsSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult, TextResourceContents } from "@modelcontextprotocol/sdk/types.js";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { describe, expect } from "vitest";
import { RUN_VIEW_URI } from "../../src/dashboard/mcp-app.js";
import { validateIteration } from "../../src/engine/validation.js";
import { textOfSize } from "../helpers/baton.js";
import { CHROMIUM } from "../helpers/browser.js";
import { test } from "../helpers/fixtures.js";
import { gatedWorkflow, startIteration } from "../helpers/items.js";
import { CLI, REPO_ROOT, writeFiles } from "../helpers/temp.js";
import { cleanEnv } from "./http-server.js";

// The MCP App as a host that supports the extension shows it: the built server spawned over stdio,
// the ui:// resource framed by the extension's AppBridge in headless Chromium, fed get_status's
// result; its Refresh button calls get_status back through the host.

test.override({ shared: { example: true, server: { env: cleanEnv() as Record<string, string> } } });

describe.skipIf(!CHROMIUM)("the MCP App run view in a host", () => {
  let client: Client;
  let browser: Browser;
  let runId: string;
  let gatedIteration: string;

  test.beforeAll(async ({ sharedBaton, sharedDir, sharedStdio }) => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    ({ runId } = await startIteration(sharedBaton.engine, "user-story-refinement"));
    writeFiles(sharedDir, { ".baton/workflows/gated.yaml": gatedWorkflow() });
    ({ iterationId: gatedIteration } = await startIteration(sharedBaton.engine, "gated"));
    writeFiles(sharedDir, { "docs/draft.md": textOfSize(400) });
    const report = await validateIteration(sharedBaton.engine, { iteration_id: gatedIteration });
    expect(report.awaiting_approval).toBe(true);
    client = sharedStdio.client;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  });
  test.afterAll(async () => {
    await browser?.close();
  });

  /** A page that frames the view as a host does, handing it `result` as the tool's result. */
  async function hostPage(html: string, result: CallToolResult, calls: string[]) {
    const host = await build({
      entryPoints: [path.join(REPO_ROOT, "test", "browser", "mcp-app-host.ts")],
      bundle: true,
      write: false,
      format: "iife",
      logLevel: "warning",
    });
    const page = await browser.newPage();
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
      [html, result] as const,
    );
    return page;
  }

  test("shows an iteration awaiting a person's approval, and how to decide", async () => {
    const resource = (await client.readResource({ uri: RUN_VIEW_URI })).contents[0] as TextResourceContents;
    const status = (await client.callTool({
      name: "get_status",
      arguments: { iteration_id: gatedIteration },
    })) as CallToolResult;
    const page = await hostPage(resource.text, status, []);
    const note = page.frameLocator("#app").locator(`[data-approval="${gatedIteration}"]`);
    await note.waitFor({ timeout: 15_000 });
    expect(await note.textContent()).toContain("Awaiting a person's approval.");
    expect(await note.textContent()).toContain(`baton review ${gatedIteration} --approve|--reject`);
  });

  test("renders get_status's result inline and refreshes through the host's tools/call", async () => {
    const tools = (await client.listTools()).tools;
    const getStatus = tools.find((t) => t.name === "get_status");
    const uri = (getStatus?._meta?.ui as { resourceUri?: string } | undefined)?.resourceUri;
    expect(uri).toBe(RUN_VIEW_URI);
    const resource = (await client.readResource({ uri: uri as string })).contents[0] as TextResourceContents;
    expect(resource.mimeType).toBe("text/html;profile=mcp-app");
    const result = (await client.callTool({ name: "get_status", arguments: {} })) as CallToolResult;

    const calls: string[] = [];
    const page = await hostPage(resource.text, result, calls);
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
