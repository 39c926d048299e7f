import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { surfaceTables, updateReadme } from "../../src/docs/surface.js";
import { TOOLS } from "../../src/tools/index.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("has the tool, resource and prompt tables the server registers (run `npm run docs` when this fails)", () => {
    expect(updateReadme(README)).toBe(README);
  });

  it("lists every tool by name", () => {
    for (const tool of TOOLS) expect(surfaceTables().tools).toContain(`\`${tool.name}\``);
  });

  it("names the two commands a newcomer runs, exactly as CI runs them", () => {
    expect(README).toContain("npm install && npm run demo");
    expect(README).toContain("npm test");
    const ci = readFileSync(new URL("../../.ci/run", import.meta.url), "utf8");
    expect(ci).toMatch(/npm ci\b/);
    expect(ci).toMatch(/npm test\b/);
  });
});
