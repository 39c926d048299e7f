import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { parseOperatorConfig } from "../../../src/config/operator.js";
import { Workspace } from "../../../src/config/workspace.js";
import {
  commandReportText,
  describeTestFailures,
  MAX_LISTED_FAILURES,
  MAX_REPORT_BYTES,
  parseJUnit,
  parseTap,
  prepareCommandReport,
  prepareReportPath,
  readTestReport,
  type TestReport,
} from "../../../src/engine/code/test-report.js";
import { test } from "../../helpers/fixtures.js";
import { REPO_ROOT, writeFiles } from "../../helpers/temp.js";

const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "test-reports");
/** The fixtures were written by runs in this folder (paths in them were rewritten to it). */
const APP = "/home/dev/app";

async function fixture(name: string): Promise<TestReport> {
  const report = await parseJUnit(readFileSync(path.join(FIXTURES, name), "utf8"), name, APP);
  if ("problem" in report) throw new Error(report.problem);
  return report;
}

let dir: string;
test.beforeEach(({ dir: workspace }) => {
  dir = workspace;
});

describe("JUnit reports", () => {
  test("reads node --test's report: nested suite, failing tests with their file:line:col and message", async () => {
    const report = await fixture("node-test.xml");
    expect(report).toMatchObject({ tests: 4, failed: 2, skipped: 1 });
    // Test cases directly under <testsuites> come before those of nested suites.
    expect(report.failures).toEqual([
      {
        name: "throws on bad input",
        classname: "test",
        location: "test/math.test.mjs:7:43",
        message: ["bad input: expected a number", "second line", "third line", "fourth line"],
      },
      {
        name: "add › adds negatives",
        classname: "test",
        location: "test/math.test.mjs:5:39",
        message: ["Expected values to be strictly equal:", "-2 !== -3"],
      },
    ]);
  });

  test("reads jest-junit, vitest and pytest reports", async () => {
    const jest = await fixture("jest-junit.xml");
    expect(jest).toMatchObject({ tests: 3, failed: 1 });
    expect(jest.failures[0]).toEqual({
      name: "math divides by zero",
      classname: "math divides by zero",
      location: "src/math.test.js:12:30",
      message: ["Error: expect(received).toThrow()", "Received function did not throw"],
    });

    const vitest = await fixture("vitest.xml");
    expect(vitest.failures).toEqual([
      {
        name: "math > multiplies",
        classname: "test/math.test.ts",
        location: "test/math.test.ts:9:25",
        message: [
          "AssertionError: expected 6 to be 8 // Object.is equality",
          "- Expected",
          "+ Received",
          "- 8",
        ],
      },
    ]);

    const pytest = await fixture("pytest.xml");
    expect(pytest).toMatchObject({ tests: 4, failed: 2, skipped: 1 });
    expect(pytest.failures).toEqual([
      {
        name: "test_sub",
        classname: "tests.test_math",
        location: "tests/test_math.py:8",
        message: ["assert -1 == 1", "+  where -1 = sub(1, 2)"],
      },
      {
        name: "test_read",
        classname: "tests.test_io",
        location: "tests/test_io.py:4",
        message: ["FileNotFoundError: [Errno 2] No such file or directory: 'data.csv'"],
      },
    ]);
  });

  test("reads a report that node --test writes for real in a temp project", async () => {
    writeFiles(dir, {
      "test/sum.test.mjs": `import { test } from "node:test";
import assert from "node:assert/strict";
test("sums", () => assert.equal(1 + 2, 3));
test("sums wrongly", () => assert.equal(1 + 2, 4));
`,
    });
    const reportFile = path.join(dir, ".baton/reports/junit.xml");
    writeFiles(dir, { ".baton/reports/junit.xml": "<stale/>" });
    await prepareReportPath(reportFile);
    expect(existsSync(reportFile)).toBe(false);
    const run = spawnSync(
      process.execPath,
      ["--test", "--test-reporter=junit", "--test-reporter-destination=.baton/reports/junit.xml", "test/"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(run.status).toBe(1);
    const report = await readTestReport(reportFile, ".baton/reports/junit.xml", dir);
    if ("problem" in report) throw new Error(report.problem);
    expect(report).toMatchObject({ tests: 2, failed: 1 });
    expect(report.failures[0]?.name).toBe("sums wrongly");
    expect(report.failures[0]?.location).toBe("test/sum.test.mjs:4:35");
    expect(report.failures[0]?.message).toEqual(["Expected values to be strictly equal:", "3 !== 4"]);
    const text = describeTestFailures({
      command: "`test` (node --test)",
      exitCode: run.status,
      reportPath: ".baton/reports/junit.xml",
      report,
    });
    expect(text).toBe(
      [
        "1 of 2 tests failed (report .baton/reports/junit.xml):",
        "- sums wrongly (test/sum.test.mjs:4:35)",
        "    Expected values to be strictly equal:",
        "    3 !== 4",
      ].join("\n"),
    );
  });

  test("says when the command failed but the report lists no failing test, or no report was written", async () => {
    writeFiles(dir, {
      "ok.xml": `<testsuites><testsuite name="s" tests="1"><testcase name="fine" classname="c"/></testsuite></testsuites>`,
    });
    const report = await readTestReport(path.join(dir, "ok.xml"), "ok.xml", dir);
    expect(report).toEqual({ tests: 1, failures: [], failed: 0, skipped: 0 });
    expect(describeTestFailures({ command: "`test`", exitCode: 2, reportPath: "ok.xml", report })).toBe(
      "`test` exited with code 2 but its report ok.xml lists no failing test (1 test ran): the failure is outside the tests (build, setup, a file that does not load, or the command itself); see its output",
    );
    expect(
      describeTestFailures({ command: "`test`", exitCode: 0, reportPath: "ok.xml", report }),
    ).toBeUndefined();

    const missing = await readTestReport(path.join(dir, "none.xml"), "none.xml", dir);
    expect(missing).toEqual({ problem: "report none.xml was not written" });
    expect(
      describeTestFailures({ command: "`test`", exitCode: 1, reportPath: "none.xml", report: missing }),
    ).toBe("`test` failed and report none.xml was not written");
  });

  test("refuses oversized, malformed and non-JUnit reports with a reason", async () => {
    writeFiles(dir, {
      "big.xml": "x".repeat(MAX_REPORT_BYTES + 1),
      "bad.xml": "<testsuites>\n<testcase>\n</testsuites>",
    });
    expect(await readTestReport(path.join(dir, "big.xml"), "big.xml", dir)).toEqual({
      problem: `report big.xml is ${MAX_REPORT_BYTES + 1} bytes; reports are read up to ${MAX_REPORT_BYTES} bytes`,
    });
    const bad = await readTestReport(path.join(dir, "bad.xml"), "bad.xml", dir);
    expect(bad).toMatchObject({
      problem: expect.stringMatching(/^report bad\.xml is not valid XML \(line 3, column \d+: /),
    });
    expect(await parseJUnit("<html><body/></html>", "r.xml", dir)).toEqual({
      problem: "report r.xml is not a JUnit report (no <testsuites> or <testsuite> element)",
    });
  });

  test("lists at most MAX_LISTED_FAILURES failures and counts the rest; never shows paths outside the project", async () => {
    const cases = Array.from(
      { length: MAX_LISTED_FAILURES + 3 },
      (_, i) =>
        `<testcase name="t${i}"><failure message="boom">at f (/etc/elsewhere/x.js:1:1)</failure></testcase>`,
    ).join("");
    const report = await parseJUnit(`<testsuite name="many">${cases}</testsuite>`, "r.xml", dir);
    if ("problem" in report) throw new Error(report.problem);
    expect(report.failed).toBe(MAX_LISTED_FAILURES + 3);
    expect(report.failures).toHaveLength(MAX_LISTED_FAILURES);
    expect(report.failures[0]).toEqual({ name: "many › t0", message: ["boom"] });
    const text = describeTestFailures({ command: "`test`", exitCode: 1, reportPath: "r.xml", report }) ?? "";
    expect(text.split("\n").at(-1)).toBe("- … and 3 more failing tests in the report");
    expect(text).not.toContain("/etc/elsewhere");
  });
});

describe("TAP reports", () => {
  test("reads node --test's TAP: nested suite, failures with location and message, skips; suites not counted", async () => {
    const text = readFileSync(path.join(FIXTURES, "node-test.tap"), "utf8");
    const report = parseTap(text, "node-test.tap", APP);
    expect(report).toEqual({
      tests: 4,
      failed: 2,
      skipped: 1,
      failures: [
        {
          name: "add › adds negatives",
          location: "test/math.test.mjs:5:39",
          message: ["Expected values to be strictly equal:", "-2 !== -3"],
        },
        {
          name: "throws on bad input",
          location: "test/math.test.mjs:7:43",
          message: ["bad input: expected a number", "second line", "third line", "fourth line"],
        },
      ],
    });
  });

  test("reads plain TAP (prove style) and a TAP report written by node --test for real", async () => {
    const plain =
      "1..3\nok 1 - parses\nnot ok 2 - rejects junk\n# Failed test 'rejects junk'\nnot ok 3 - later # TODO not yet\n";
    expect(parseTap(plain, "t.tap", dir)).toEqual({
      tests: 3,
      failed: 1,
      skipped: 0,
      failures: [{ name: "rejects junk", message: [] }],
    });
    expect(parseTap("hello\n", "t.tap", dir)).toEqual({
      problem: "report t.tap is not a TAP report (no `ok` or `not ok` line)",
    });

    writeFiles(dir, {
      "test/sum.test.mjs": `import { test } from "node:test";\nimport assert from "node:assert/strict";\ntest("sums wrongly", () => assert.equal(1 + 2, 4));\n`,
    });
    await prepareReportPath(path.join(dir, "out/report.tap"));
    spawnSync(
      process.execPath,
      ["--test", "--test-reporter=tap", "--test-reporter-destination=out/report.tap"],
      {
        cwd: dir,
      },
    );
    const report = await readTestReport(path.join(dir, "out/report.tap"), "out/report.tap", dir, "tap");
    expect(report).toMatchObject({
      tests: 1,
      failed: 1,
      failures: [
        {
          name: "sums wrongly",
          location: "test/sum.test.mjs:3:35",
          message: ["Expected values to be strictly equal:", "3 !== 4"],
        },
      ],
    });
  });
});

describe("reports of declared commands", () => {
  test("readies the report path, then turns the report into the text for the failure reason", async () => {
    const workspace = new Workspace(dir);
    const command = parseOperatorConfig(
      "commands:\n  test:\n    run: node --test --test-reporter=junit --test-reporter-destination=out/junit.xml\n    report: { junit: out/junit.xml }\n",
    ).commands.get("test");
    if (!command) throw new Error("test command missing");
    writeFiles(dir, {
      "sum.test.mjs": `import { test } from "node:test";\nimport assert from "node:assert/strict";\ntest("adds", () => assert.equal(2 + 2, 5));\n`,
    });
    await prepareCommandReport(command, workspace);
    expect(existsSync(path.join(dir, "out"))).toBe(true);
    const run = spawnSync(command.run, { cwd: dir, shell: true, encoding: "utf8" });
    expect(await commandReportText(command, workspace, run.status)).toMatch(
      /^1 of 1 test failed \(report out\/junit\.xml\):\n- adds \(sum\.test\.mjs:3:\d+\)\n {4}Expected values to be strictly equal:\n {4}4 !== 5$/,
    );

    const escaping = { ...command, report: { junit: "../elsewhere.xml" } };
    await expect(commandReportText(escaping, workspace, 1)).rejects.toThrow(
      "report `../elsewhere.xml` contains `..`",
    );
    expect(await commandReportText({ name: "lint", run: "true" }, workspace, 1)).toBeUndefined();
  });
});
