import { existsSync } from "node:fs";
import { RESOURCE_MIME_TYPE } from "@modelcontextprotocol/ext-apps/server";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { TextResourceContents, Tool } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { MCP_APP_MIME_TYPE, RUN_VIEW_URI } from "../../src/dashboard/mcp-app.js";
import { countTokens } from "../../src/engine/tokens.js";
import { test } from "../helpers/fixtures.js";
import { REPO_ROOT } from "../helpers/temp.js";

// The MCP App (MCP Apps extension): one ui:// resource with the extension's MIME type, linked from
// the tools whose results it shows; hosts without the extension see the same tools as before.

let client: Client;
let tools: Tool[];

test.beforeAll(async ({ sharedMcp }) => {
  client = sharedMcp;
  tools = (await client.listTools()).tools;
});

describe("MCP App run view", () => {
  test("uses the extension's MIME type", () => {
    expect(MCP_APP_MIME_TYPE).toBe(RESOURCE_MIME_TYPE);
  });

  test("is listed and served as one self-contained HTML document", async () => {
    expect(existsSync(`${REPO_ROOT}/dist/dashboard/web/mcp-app.html`), "run npm run build").toBe(true);
    const listed = (await client.listResources()).resources.find((r) => r.uri === RUN_VIEW_URI);
    expect(listed?.mimeType).toBe("text/html;profile=mcp-app");
    const read = await client.readResource({ uri: RUN_VIEW_URI });
    const content = read.contents[0] as TextResourceContents;
    expect(content.mimeType).toBe("text/html;profile=mcp-app");
    expect(content.text).toMatch(/^<!doctype html>/);
    expect(content.text).toContain("<script>");
    // No CDN, no network: nothing is loaded from elsewhere.
    expect(content.text).not.toMatch(
      /<script[^>]+src=|<link[^>]+href=|https?:\/\/[a-z0-9.-]+\/[^"\s]*\.(js|css)/i,
    );
  });

  test("is linked from get_status, create_iteration and validate_iteration through _meta.ui", () => {
    const linked = tools.filter((t) => (t._meta?.ui as { resourceUri?: string } | undefined)?.resourceUri);
    expect(linked.map((t) => t.name).sort()).toEqual([
      "create_iteration",
      "get_status",
      "validate_iteration",
    ]);
    for (const tool of linked) expect(tool._meta).toEqual({ ui: { resourceUri: RUN_VIEW_URI } });
  });

  test("keeps tools/list under 3,000 tokens", async () => {
    expect(await countTokens(JSON.stringify(tools))).toBeLessThan(3000);
  });
});
