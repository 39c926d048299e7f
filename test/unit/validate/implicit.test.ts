import { symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MIN_BYTES, runChecks } from "../../../src/engine/validate/index.js";
import { contextFor, longMarkdown, workspaceWith } from "./helpers.js";

const bigJson = JSON.stringify({ items: Array.from({ length: 30 }, (_, i) => ({ id: i })) }, null, 2);

describe("implicit checks", () => {
  it("passes a well-formed deliverable: exists, minimum size, format", async () => {
    const ws = workspaceWith({ "stories/US-1/requirements.md": longMarkdown("```js\nlet x = 1;\n```\n") });
    const results = await runChecks([], ["stories/US-1/requirements.md"], contextFor(ws));
    expect(results).toEqual([
      {
        check: "implicit:exists",
        file: "stories/US-1/requirements.md",
        status: "passed",
        reason: `stories/US-1/requirements.md: exists (${longMarkdown("```js\nlet x = 1;\n```\n").length} bytes)`,
      },
      {
        check: "implicit:min_bytes",
        file: "stories/US-1/requirements.md",
        status: "passed",
        reason: `stories/US-1/requirements.md: ${longMarkdown("```js\nlet x = 1;\n```\n").length} bytes, >= 200`,
      },
      {
        check: "implicit:format",
        file: "stories/US-1/requirements.md",
        status: "passed",
        reason: "stories/US-1/requirements.md: valid Markdown (not empty, code fences closed)",
      },
    ]);
  });

  it("fails a missing deliverable once, on exists", async () => {
    const ws = workspaceWith();
    const results = await runChecks([], ["stories/US-3/requirements.md"], contextFor(ws));
    expect(results).toEqual([
      {
        check: "implicit:exists",
        file: "stories/US-3/requirements.md",
        status: "failed",
        reason: "stories/US-3/requirements.md: file does not exist",
        miss: { found: "no readable file" },
      },
    ]);
  });

  it("fails a directory where a file is expected", async () => {
    const ws = workspaceWith({ "out/report.md/inner.txt": "x" });
    const [exists] = await runChecks([], ["out/report.md"], contextFor(ws));
    expect(exists?.reason).toBe("out/report.md: is a directory, not a file");
  });

  it("fails a deliverable path that leaves the workspace", async () => {
    const ws = workspaceWith();
    const [exists] = await runChecks([], ["../outside.md"], contextFor(ws));
    expect(exists?.status).toBe("failed");
    expect(exists?.reason).toBe(
      `../outside.md: file \`../outside.md\` contains \`..\` and could leave the workspace`,
    );
  });

  it("fails a deliverable that is a symbolic link out of the workspace, without reading it", async () => {
    const outside = workspaceWith({ "secret.md": longMarkdown() });
    const ws = workspaceWith();
    symlinkSync(path.join(outside.root, "secret.md"), path.join(ws.root, "report.md"));
    const results = await runChecks([], ["report.md"], contextFor(ws));
    expect(results).toHaveLength(1);
    expect(results[0]?.reason).toBe(
      "report.md: file `report.md` leaves the workspace through a symbolic link",
    );
  });

  it(`fails a deliverable under ${DEFAULT_MIN_BYTES} bytes`, async () => {
    const ws = workspaceWith({ "notes.md": "# Short\n" });
    const results = await runChecks([], ["notes.md"], contextFor(ws));
    expect(results.find((r) => r.check === "implicit:min_bytes")).toMatchObject({
      status: "failed",
      reason: "notes.md: 7 bytes, needs >= 200",
    });
  });

  it("lets an explicit min_bytes replace the implicit 200", async () => {
    const ws = workspaceWith({ "notes.md": "# Short\n" });
    const loose = await runChecks(
      [{ check: "min_bytes", deliverable: "notes.md", file: "notes.md", bytes: 5 }],
      ["notes.md"],
      contextFor(ws),
    );
    expect(loose.filter((r) => r.check.endsWith("min_bytes"))).toEqual([
      { check: "min_bytes", file: "notes.md", status: "passed", reason: "notes.md: 8 bytes, >= 5" },
    ]);
    const strict = await runChecks(
      [{ check: "min_bytes", deliverable: "notes.md", file: "notes.md", bytes: 1024 }],
      ["notes.md"],
      contextFor(ws),
    );
    expect(strict.filter((r) => r.check.endsWith("min_bytes"))).toEqual([
      {
        check: "min_bytes",
        file: "notes.md",
        status: "failed",
        reason: "notes.md: 7 bytes, needs >= 1024",
        miss: { expected: 1024, found: 7 },
      },
    ]);
  });

  it("fails malformed JSON with line and column", async () => {
    const ws = workspaceWith({ "data/x.json": `{\n  "a": 1,\n  "b": }\n${" ".repeat(200)}` });
    const results = await runChecks([], ["data/x.json"], contextFor(ws));
    expect(results.find((r) => r.check === "implicit:format")).toEqual({
      check: "implicit:format",
      file: "data/x.json",
      status: "failed",
      reason: 'data/x.json: invalid JSON at 3:8: Unexpected token "}"',
      miss: { expected: "json" },
    });
  });

  it("passes valid JSON", async () => {
    const ws = workspaceWith({ "data/x.json": bigJson });
    const results = await runChecks([], ["data/x.json"], contextFor(ws));
    expect(results.find((r) => r.check === "implicit:format")?.reason).toBe("data/x.json: valid JSON");
  });

  it("fails malformed YAML with line and column", async () => {
    const ws = workspaceWith({
      "conf/x.yaml": `name: demo\nitems:\n  - a\n - b\n${"# padding\n".repeat(25)}`,
    });
    const results = await runChecks([], ["conf/x.yaml"], contextFor(ws));
    expect(results.find((r) => r.check === "implicit:format")).toMatchObject({
      status: "failed",
      reason: "conf/x.yaml: invalid YAML at 4:1: A block sequence may not be used as an implicit map key",
    });
  });

  it("fails YAML with duplicate keys, and passes .yml that parses", async () => {
    const ws = workspaceWith({
      "a.yaml": `a: 1\na: 2\n${"# pad\n".repeat(40)}`,
      "b.yml": `a: 1\nb: [1, 2]\n${"# pad\n".repeat(40)}`,
    });
    const results = await runChecks([], ["a.yaml", "b.yml"], contextFor(ws));
    const formats = results.filter((r) => r.check === "implicit:format").map((r) => r.reason);
    expect(formats).toEqual(["a.yaml: invalid YAML at 2:1: Map keys must be unique", "b.yml: valid YAML"]);
  });

  it("fails Markdown with an unclosed code fence, naming its line", async () => {
    const ws = workspaceWith({ "doc.md": longMarkdown("Intro\n\n```bash\nnpm test\n\n## Next\n") });
    const results = await runChecks([], ["doc.md"], contextFor(ws));
    expect(results.find((r) => r.check === "implicit:format")).toEqual({
      check: "implicit:format",
      file: "doc.md",
      status: "failed",
      reason: "doc.md: unclosed code fence opened at line 6",
      miss: { expected: "markdown" },
    });
  });

  it("fails an empty Markdown file", async () => {
    const ws = workspaceWith({ "empty.md": "  \n\n" });
    const results = await runChecks(
      [{ check: "min_bytes", path: "empty.md", file: "empty.md", bytes: 0 }],
      ["empty.md"],
      contextFor(ws),
    );
    expect(results.find((r) => r.check === "implicit:format")?.reason).toBe(
      "empty.md: Markdown file is empty",
    );
  });

  it("does not check style implicitly", async () => {
    const ws = workspaceWith({ "style.md": `#No space heading\n${"x".repeat(400)}\n* star\n- dash\n` });
    const results = await runChecks([], ["style.md"], contextFor(ws));
    expect(results.every((r) => r.status === "passed")).toBe(true);
  });

  it("checks only existence and size for other extensions", async () => {
    const ws = workspaceWith({ "out/data.csv": "a,b\n".repeat(100) });
    const results = await runChecks([], ["out/data.csv"], contextFor(ws));
    expect(results.map((r) => r.check)).toEqual(["implicit:exists", "implicit:min_bytes"]);
  });

  it("ignores a byte-order mark when parsing", async () => {
    const ws = workspaceWith({ "bom.json": `\uFEFF${bigJson}` });
    const results = await runChecks([], ["bom.json"], contextFor(ws));
    expect(results.find((r) => r.check === "implicit:format")?.status).toBe("passed");
  });
});
