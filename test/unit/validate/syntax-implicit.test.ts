import { describe, expect, it } from "vitest";
import { runChecks } from "../../../src/engine/validate/index.js";
import { contextFor, workspaceWith } from "./helpers.js";

// Code deliverables get an implicit syntax check by extension: the first error at file:line:col.

const pad = (text: string, comment: string) =>
  `${text}${`${comment} padding so the file has a realistic size\n`.repeat(6)}`;

const FILES = {
  "app/main.py": pad("def total(items):\n    return sum(items\n\nprint(total([1, 2]))\n", "#"),
  "app/ok.py": pad("def total(items):\n    return sum(items)\n", "#"),
  "cmd/main.go": pad("package main\n\nfunc main() {\n\tx := \n}\n", "//"),
  "cmd/ok.go": pad('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n', "//"),
  "src/junk.js": pad("this is not javascript at all\n", "//"),
  "src/ok.ts": pad("export const add = (a: number, b: number): number => a + b;\n", "//"),
};

describe("implicit syntax of code deliverables", () => {
  it("fails Python, Go and JavaScript syntax errors at file:line:col and passes valid code", async () => {
    const ws = workspaceWith(FILES);
    const files = Object.keys(FILES);
    const results = await runChecks([], files, contextFor(ws, { declaredDeliverables: new Set(files) }));
    const syntax = results.filter((r) => r.check === "implicit:syntax");
    expect(syntax.map((r) => [r.file, r.status])).toEqual(
      files.map((f) => [f, f.includes("ok") ? "passed" : "failed"]),
    );
    const reasons = syntax.filter((r) => r.status === "failed").map((r) => r.reason);
    expect(reasons[0]).toMatch(/^app\/main\.py:2:\d+: Python syntax error: /);
    expect(reasons[1]).toMatch(/^cmd\/main\.go:4:\d+: Go syntax error: /);
    expect(reasons[2]).toMatch(/^src\/junk\.js:1:\d+: JavaScript syntax error: /);
    expect(syntax.find((r) => r.file === "app/main.py")?.miss).toMatchObject({
      expected: "valid Python",
      line: 2,
    });
    expect(syntax.find((r) => r.file === "src/ok.ts")?.reason).toBe("src/ok.ts: valid TypeScript syntax");
  });
});
