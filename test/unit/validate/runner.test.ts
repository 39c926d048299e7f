import { truncateSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FileCache, MAX_CONTENT_BYTES, runChecks } from "../../../src/engine/validate/index.js";
import type { ConcreteCheck } from "../../../src/engine/validate/types.js";
import { contextFor, longMarkdown, workspaceWith } from "./helpers.js";

describe("runChecks", () => {
  it("reports a missing deliverable once, not once per check on it", async () => {
    const ws = workspaceWith();
    const file = "stories/US-9/requirements.md";
    const checks: ConcreteCheck[] = [
      { check: "contains", deliverable: "stories/{story_id}/requirements.md", file, pattern: "## Scope" },
      { check: "headings", deliverable: "stories/{story_id}/requirements.md", file, headings: ["Scope"] },
      { check: "regex", deliverable: "stories/{story_id}/requirements.md", file, pattern: "x" },
      { check: "min_bytes", deliverable: "stories/{story_id}/requirements.md", file, bytes: 1024 },
    ];
    expect(await runChecks(checks, [file], contextFor(ws))).toEqual([
      {
        check: "implicit:exists",
        file,
        status: "failed",
        reason: `${file}: file does not exist`,
        miss: { found: "no readable file" },
      },
    ]);
  });

  it("orders results file by file: implicit checks, then the file's own, then the rest", async () => {
    const ws = workspaceWith({
      "a.md": longMarkdown("## Scope\n"),
      "b.json": `{"id":${" ".repeat(200)}"b"}`,
      "docs/standards.md": "# Standards\n",
    });
    const checks: ConcreteCheck[] = [
      { check: "command", run: "true" },
      { check: "contains", path: "docs/standards.md", file: "docs/standards.md", pattern: "Standards" },
      {
        check: "regex",
        deliverable: "a.md",
        file: "a.md",
        pattern: "^## Scope$",
        flags: "m",
        description: "scoped",
      },
      { check: "json", deliverable: "b.json", file: "b.json" },
      { check: "headings", deliverable: "a.md", file: "a.md", headings: ["Scope"] },
    ];
    const results = await runChecks(checks, ["a.md", "b.json", "a.md"], contextFor(ws));
    expect(results.map((r) => [r.check, r.file ?? "-", r.status, r.description ?? ""])).toEqual([
      ["implicit:exists", "a.md", "passed", ""],
      ["implicit:min_bytes", "a.md", "passed", ""],
      ["implicit:format", "a.md", "passed", ""],
      ["regex", "a.md", "passed", "scoped"],
      ["headings", "a.md", "passed", ""],
      ["implicit:exists", "b.json", "passed", ""],
      ["implicit:min_bytes", "b.json", "passed", ""],
      ["implicit:format", "b.json", "passed", ""],
      ["json", "b.json", "passed", ""],
      ["command", "-", "skipped", ""],
      ["contains", "docs/standards.md", "passed", ""],
    ]);
  });

  it("runs one check over many files", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 200; i++)
      files[`stories/US-${i}/req.md`] = longMarkdown(i % 50 === 0 ? "" : "## Scope\n");
    const ws = workspaceWith(files);
    const deliverables = Object.keys(files);
    const checks: ConcreteCheck[] = deliverables.flatMap((file) => [
      { check: "regex", deliverable: "stories/{id}/req.md", file, pattern: "^## Scope$", flags: "m" },
      { check: "headings", deliverable: "stories/{id}/req.md", file, headings: ["Scope"] },
    ]);
    const results = await runChecks(checks, deliverables, contextFor(ws));
    expect(results).toHaveLength(200 * 5);
    expect(results.filter((r) => r.status === "failed").map((r) => r.reason)).toEqual(
      [0, 50, 100, 150].flatMap((i) => [
        `stories/US-${i}/req.md: no match for /^## Scope$/m`,
        `stories/US-${i}/req.md: missing heading "Scope" (found: "Title")`,
      ]),
    );
  });

  it("does not read a file over the content limit: the implicit format check is skipped, content checks fail", async () => {
    const ws = workspaceWith({ "big.json": "" });
    truncateSync(path.join(ws.root, "big.json"), MAX_CONTENT_BYTES + 1); // sparse: no disk, no time
    const results = await runChecks(
      [{ check: "contains", deliverable: "big.json", file: "big.json", pattern: "x" }],
      ["big.json"],
      contextFor(ws),
    );
    const tooLarge = `big.json: ${MAX_CONTENT_BYTES + 1} bytes is too large to check its content (the limit is ${MAX_CONTENT_BYTES} bytes)`;
    expect(results.map((r) => [r.check, r.status, r.reason])).toEqual([
      ["implicit:exists", "passed", `big.json: exists (${MAX_CONTENT_BYTES + 1} bytes)`],
      ["implicit:min_bytes", "passed", `big.json: ${MAX_CONTENT_BYTES + 1} bytes, >= 200`],
      ["implicit:format", "skipped", tooLarge],
      ["contains", "failed", tooLarge],
    ]);
  });

  it("reads each file once per run", async () => {
    const ws = workspaceWith({ "a.txt": "x" });
    const files = new FileCache(ws);
    const facts = files.get("a.txt");
    expect(facts.contentProblem).toBeUndefined();
    expect(files.get("a.txt")).toBe(facts);
  });
});
