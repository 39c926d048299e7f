import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/temp.js";

// The dashboard and the MCP App ship built into dist/ (`npm run build`): no CDN, and small. #18 aims
// under 150 KB gzipped for everything a browser or a host loads.

const WEB = path.join(REPO_ROOT, "dist", "dashboard", "web");
const FILES = ["index.html", "app.js", "app.css", "mcp-app.html"];

describe("the built dashboard bundle", () => {
  it("is under 150 KB gzipped, the web view and the MCP App together", () => {
    for (const file of FILES)
      expect(existsSync(path.join(WEB, file)), `${file}: run npm run build`).toBe(true);
    const sizes = FILES.map((file) => gzipSync(readFileSync(path.join(WEB, file)), { level: 9 }).length);
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total, FILES.map((f, i) => `${f} ${sizes[i]} B`).join(", ")).toBeLessThan(150 * 1024);
  });

  it("loads nothing from the network: no http(s) URL in a script or stylesheet reference", () => {
    const page = readFileSync(path.join(WEB, "index.html"), "utf8");
    expect(page).not.toMatch(/(src|href)="https?:/);
    expect(readFileSync(path.join(WEB, "mcp-app.html"), "utf8")).not.toMatch(/<script[^>]+src=/);
  });
});
