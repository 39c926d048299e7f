import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import type { ValidationReport as Report } from "../../src/engine/validation-report.js";
import { markdownDoc } from "../helpers/baton.js";
import { test as base } from "../helpers/fixtures.js";
import { callOk, type StdioOptions } from "../helpers/mcp.js";
import { tempDir, writeFiles } from "../helpers/temp.js";

// The shipped task-execution workflow on a small JavaScript project (node:test, JUnit report), over
// stdio against the built server with --allow-commands: junk code fails at line:col, a failing test
// is named in the failure and in the rework prompt, correct code passes. The server is traced: the
// code parsers load with the first code file, not at start-up; and the project's tests check that
// they do not see BATON_TOKEN, which the server has.

const CONFIG = `commands:
  test:
    run: node --test --test-reporter=junit --test-reporter-destination=.baton/reports/junit.xml test/
    timeout_s: 60
    report: { junit: .baton/reports/junit.xml }
`;

/** Logs every CommonJS load of a parser (oxc's native binding, tree-sitter) to TRACE_FILE. */
const TRACE = `const Module = require("node:module");
const fs = require("node:fs");
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/oxc|tree-sitter/.test(request)) fs.appendFileSync(process.env.TRACE_FILE, request + "\\n");
  return load.call(this, request, ...rest);
};
`;

const note = "// Sums numbers for the invoice totals; kept small on purpose for the example project.\n";
const JUNK = `${note}this is not javascript at all {\n`;
const WRONG = `${note}export function sum(a, b) {\n  return a - b;\n}\n`;
const RIGHT = `${note}export function sum(a, b) {\n  return a + b;\n}\n`;
const TESTS = `import assert from "node:assert/strict";
import { test } from "node:test";
import { sum } from "../src/sum.js";

test("adds two numbers", () => {
  assert.equal(sum(2, 3), 5);
});

test("runs without Baton's secrets", () => {
  assert.equal(process.env.BATON_TOKEN, undefined);
});
`;

const DESIGN = markdownDoc(
  "Sum design",
  {
    Overview: "A sum function for invoice totals.",
    Components: "src/sum.js exports `sum`.",
    API: "`sum(a, b)` returns a number.",
    Risks: "Floating point rounding.",
    Decision: "A plain function.\n\n```mermaid\ngraph TD\n  a --> b\n```",
    "Alternatives Considered": "A class; rejected as heavier.",
  },
  2100,
);
const NOTES = markdownDoc(
  "Implementation",
  {
    Changes: "Added src/sum.js.",
    Tests: "test/sum.test.js covers addition.",
    "How to Verify": "```sh\nnode --test test/\n```",
  },
  900,
);

/** A workflow whose developer delivers a Python module and a Go command. */
const POLYGLOT = `workflow:
  name: polyglot
  description: A Python module and a Go command
  iterations:
    - name: implementation
      goal: Write the totals in Python and in Go
      agents:
        - role: developer
          deliverables: ["app/total.py", "cmd/total/main.go"]
`;
const pad = (text: string, comment: string) =>
  `${text}${`${comment} padding so the file has a realistic size\n`.repeat(6)}`;
const PYTHON_BROKEN = pad("def total(items):\n    return sum(items\n\nprint(total([1, 2]))\n", "#");
const PYTHON_OK = pad("def total(items):\n    return sum(items)\n", "#");
const GO_BROKEN = pad("package main\n\nfunc main() {\n\tx := \n}\n", "//");
const GO_OK = pad('package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(3) }\n', "//");

/** The server of these tests: traced (`trace` is the file it lists loaded modules in), allowed to run commands. */
const test = base.extend<{ trace: string; server: StdioOptions }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  trace: async ({}, use) => {
    const { dir, cleanup } = tempDir("baton-trace-");
    writeFiles(dir, { "trace.cjs": TRACE });
    try {
      await use(path.join(dir, "loaded.txt"));
    } finally {
      cleanup();
    }
  },
  server: async ({ trace }, use) => {
    await use({
      nodeArgs: ["--require", path.join(path.dirname(trace), "trace.cjs")],
      serveArgs: ["--allow-commands"],
      env: { ...(process.env as Record<string, string>), BATON_TOKEN: "e2e-secret", TRACE_FILE: trace },
    });
  },
});

test.override({
  files: {
    "package.json": '{ "name": "sum", "type": "module", "private": true }\n',
    ".baton/config.yaml": CONFIG,
    "README.md": "# Sum\n",
  },
});

describe("code deliverables of task-execution over stdio", () => {
  test("fails junk at line:col, names the failing test in the rework prompt, and passes correct code", async ({
    dir,
    trace,
    stdio: { client },
  }) => {
    const traced = () => (existsSync(trace) ? readFileSync(trace, "utf8") : "");
    await client.listTools();
    const design = await callOk<{ run_id: string; iteration_id: string }>(client, "create_iteration", {
      workflow: "task-execution",
      inputs: { task: "Add a sum function", slug: "sum", code: "src/sum.js", tests: "test/sum.test.js" },
    });
    const { run_id } = design;
    expect(traced(), "no parser is loaded at start-up").toBe("");

    // The design iteration passes, so that the implementation iteration can be created.
    await callOk(client, "generate_prompts", { iteration_id: design.iteration_id });
    writeFiles(dir, { "tasks/sum/design.md": DESIGN });
    expect(
      (await callOk<Report>(client, "validate_iteration", { iteration_id: design.iteration_id })).passed,
    ).toBe(true);
    expect(traced(), "Markdown deliverables load no code parser").toBe("");

    const { iteration_id } = await callOk<{ iteration_id: string }>(client, "create_iteration", { run_id });
    await callOk(client, "generate_prompts", { iteration_id });
    writeFiles(dir, { "src/sum.js": JUNK, "test/sum.test.js": TESTS, "tasks/sum/IMPLEMENTATION.md": NOTES });

    const junk = await callOk<Report>(client, "validate_iteration", { iteration_id });
    expect(junk.passed).toBe(false);
    expect(junk.failures.find((f) => f.check === "implicit:syntax")?.reason).toMatch(
      /^src\/sum\.js:2:\d+: JavaScript syntax error: /,
    );
    expect(traced()).toContain("oxc");

    writeFiles(dir, { "src/sum.js": WRONG });
    const wrong = await callOk<Report>(client, "validate_iteration", { iteration_id });
    expect(wrong.passed).toBe(false);
    expect(wrong.failures.map((f) => f.check)).toEqual(["command"]);
    const reason = wrong.failures[0]?.reason ?? "";
    expect(reason).toContain("1 of 2 tests failed (report .baton/reports/junit.xml):");
    expect(reason).toMatch(/- adds two numbers \(test\/sum\.test\.js:\d+(:\d+)?\)/);
    expect(reason).not.toContain("runs without Baton's secrets");
    const rework = wrong.rework[0];
    expect(rework?.assignment_id).toBe(wrong.failures[0]?.assignment_id);
    const prompt = readFileSync(path.join(dir, rework?.prompt_path ?? ""), "utf8");
    expect(prompt).toContain("adds two numbers");
    expect(prompt).toContain("test/sum.test.js");
    const validation = await client.readResource({ uri: `baton://iterations/${iteration_id}/validation` });
    expect((validation.contents[0] as { text: string }).text).toContain("adds two numbers");

    writeFiles(dir, { "src/sum.js": RIGHT });
    const right = await callOk<Report>(client, "validate_iteration", { iteration_id });
    expect(right.failures).toEqual([]);
    expect(right.passed).toBe(true);
    expect(right.skipped).toEqual([
      { check: "command", reason: "no command `typecheck` declared in .baton/config.yaml" },
    ]);
  });
  test("fails Python and Go syntax errors at line:col and passes them once fixed", async ({
    dir,
    trace,
    stdio: { client },
  }) => {
    const traced = () => (existsSync(trace) ? readFileSync(trace, "utf8") : "");
    writeFiles(dir, { ".baton/workflows/polyglot.yaml": POLYGLOT });
    const { iteration_id } = await callOk<{ iteration_id: string }>(client, "create_iteration", {
      workflow: "polyglot",
    });
    await callOk(client, "generate_prompts", { iteration_id });
    expect(traced(), "no parser is loaded before a code file is checked").toBe("");
    writeFiles(dir, { "app/total.py": PYTHON_BROKEN, "cmd/total/main.go": GO_BROKEN });

    const broken = await callOk<Report>(client, "validate_iteration", { iteration_id });
    expect(broken.passed).toBe(false);
    const reasons = broken.failures.filter((f) => f.check === "implicit:syntax").map((f) => f.reason);
    expect(reasons).toHaveLength(2);
    expect(reasons.find((r) => r.startsWith("app/"))).toMatch(/^app\/total\.py:2:\d+: Python syntax error: /);
    expect(reasons.find((r) => r.startsWith("cmd/"))).toMatch(
      /^cmd\/total\/main\.go:4:\d+: Go syntax error: /,
    );
    expect(traced(), "the grammars load with the first Python or Go file").toContain("tree-sitter");

    writeFiles(dir, { "app/total.py": PYTHON_OK, "cmd/total/main.go": GO_OK });
    const fixed = await callOk<Report>(client, "validate_iteration", { iteration_id });
    expect(fixed.failures).toEqual([]);
    expect(fixed.passed).toBe(true);
  });
});
