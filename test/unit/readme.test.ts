import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { CHECK_KINDS } from "../../src/config/schema.js";
import { listWorkflows } from "../../src/config/workflows.js";
import { fillMarkers, generatedDocs, surfaceTables } from "../../src/docs/surface.js";
import { TOOLS } from "../../src/tools/index.js";

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
const README = read("README.md");

describe("README", () => {
  let docs: Awaited<ReturnType<typeof generatedDocs>>;
  // The CLI usage comes from the built CLI: `npm test` builds first (while working: npm run build).
  beforeAll(async () => {
    docs = await generatedDocs();
  });

  it("has the generated tables, check kinds and CLI usage of today's code (run `npm run docs` when this fails)", () => {
    expect(Object.keys(docs)).toEqual(["README.md", "docs/formats.md"]);
    for (const [file, sections] of Object.entries(docs))
      expect(fillMarkers(read(file), sections, file)).toBe(read(file));
  });

  it("notices a stale section", () => {
    const sections = docs["README.md"];
    const stale = README.replace("| `code-review` |", "| `code-reviews` |");
    expect(fillMarkers(stale, sections ?? {}, "README.md")).toBe(README);
    expect(sections?.cli).toContain("$ baton serve --help");
    expect(sections?.cli).toContain("--allow-origin <origin>");
  });

  it("lists every shipped workflow and every check kind", () => {
    for (const { name } of listWorkflows()) expect(README).toContain(`| \`${name}\` |`);
    for (const kind of CHECK_KINDS) expect(read("docs/formats.md")).toContain(`| \`${kind}\` |`);
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
