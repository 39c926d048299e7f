import { mkdir, readFile, rm, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYamlText } from "yaml";
import type { OperatorCommand } from "../../config/operator.js";
import type { Workspace } from "../../config/workspace.js";

/** Reports bigger than this are not parsed: a runaway report must not stall validation. */
export const MAX_REPORT_BYTES = 5 * 1024 * 1024;
/** Failing tests listed by name; the rest are counted. */
export const MAX_LISTED_FAILURES = 20;
/** Lines of a failure message kept (stack frames dropped), and the width of each. */
export const MESSAGE_LINES = 4;
const LINE_WIDTH = 240;

/** One failing (or erroring) test case of a report. */
export interface FailedTest {
  /** The test's name as the runner reported it, prefixed with its suite when that adds information. */
  name: string;
  /** The runner's classname (a file, a module or a describe block, depending on the runner). */
  classname?: string;
  /** Where the failure happened: `path[:line[:col]]`, relative to the folder the command ran in. */
  location?: string;
  /** The first lines of the failure message, stack frames left out. */
  message: string[];
}

export interface TestReport {
  tests: number;
  /** Failing tests, at most MAX_LISTED_FAILURES of them. */
  failures: FailedTest[];
  /** How many tests failed in all (failures.length may be smaller). */
  failed: number;
  skipped: number;
}

/** A report that could not be used, and why (missing, too large, not JUnit XML). */
export interface ReportProblem {
  problem: string;
}

type XmlNode = Record<string, unknown>;

/** Suite names runners give the whole run or the root; they say nothing about a test. */
const ROOT_SUITE_NAMES = new Set(["pytest", "jest tests", "vitest tests", "mocha tests", "root"]);

/**
 * Readies a report path before its command runs: a report left by an earlier run is removed (it
 * would describe old code), and the folder is created (node --test exits 7 when it is missing).
 */
export async function prepareReportPath(file: string): Promise<void> {
  await rm(file, { force: true });
  await mkdir(path.dirname(file), { recursive: true });
}

export type ReportFormat = "junit" | "tap";

/**
 * Reads a test report written by a command: JUnit XML or TAP. `file` is absolute (the caller
 * resolved it through the workspace guard), `shown` is how the report is named in messages, `root`
 * is the folder the command ran in (failure locations are made relative to it).
 */
export async function readTestReport(
  file: string,
  shown: string,
  root: string,
  format: ReportFormat = "junit",
): Promise<TestReport | ReportProblem> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return { problem: `report ${shown} was not written` };
  }
  if (size > MAX_REPORT_BYTES) {
    return { problem: `report ${shown} is ${size} bytes; reports are read up to ${MAX_REPORT_BYTES} bytes` };
  }
  const text = await readFile(file, "utf8");
  return format === "tap" ? parseTap(text, shown, root) : parseJUnit(text, shown, root);
}

/** Parses JUnit XML (node --test, jest-junit, vitest, pytest, go-junit-report, Surefire). */
export async function parseJUnit(
  xml: string,
  shown: string,
  root: string,
): Promise<TestReport | ReportProblem> {
  const { XMLParser, XMLValidator } = await import("fast-xml-parser");
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    return { problem: `report ${shown} is not valid XML (line ${line}, column ${col}: ${msg})` };
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    // node:test writes both a `failure` attribute and a <failure> child; a prefix keeps them apart.
    attributeNamePrefix: "@_",
    textNodeName: "#text",
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (tag) => tag === "testsuite" || tag === "testcase" || tag === "failure" || tag === "error",
  });
  const doc = parser.parse(xml) as XmlNode;
  const top = (doc.testsuites ?? doc.testsuite) as XmlNode | XmlNode[] | undefined;
  if (top === undefined) {
    return { problem: `report ${shown} is not a JUnit report (no <testsuites> or <testsuite> element)` };
  }
  const report: TestReport = { tests: 0, failures: [], failed: 0, skipped: 0 };
  const visit = (node: XmlNode, suite: string | undefined) => {
    for (const testcase of asArray(node.testcase)) collectCase(testcase, suite, root, report);
    for (const child of asArray(node.testsuite)) visit(child, attr(child, "name") ?? suite);
  };
  for (const node of asArray(top)) visit(node, doc.testsuites === undefined ? attr(node, "name") : undefined);
  return report;
}

function collectCase(testcase: XmlNode, suite: string | undefined, root: string, report: TestReport): void {
  report.tests++;
  if (testcase.skipped !== undefined) report.skipped++;
  const problems = [...asArray(testcase.failure), ...asArray(testcase.error)];
  if (problems.length === 0) return;
  report.failed++;
  if (report.failures.length >= MAX_LISTED_FAILURES) return;
  const name = attr(testcase, "name") ?? "(unnamed test)";
  const classname = attr(testcase, "classname");
  const first = problems[0] as XmlNode | string;
  const body = typeof first === "string" ? first : typeof first["#text"] === "string" ? first["#text"] : "";
  const messageAttr = typeof first === "string" ? undefined : attr(first, "message");
  const file = attr(testcase, "file");
  const line = attr(testcase, "line");
  const location = file ? relativeTo(root, file) + (line ? `:${line}` : "") : locationIn(body, root);
  report.failures.push({
    name: withSuite(name, suite, classname),
    ...(classname ? { classname } : {}),
    ...(location ? { location } : {}),
    message: messageLines(body, messageAttr),
  });
}

const TEST_POINT = /^(\s*)(not )?ok\b(?:\s+\d+)?(?:\s*-)?\s*(.*)$/;
const SUBTEST = /^(\s*)# Subtest: (.*)$/;
const DIRECTIVE = /\s#\s*(SKIP|TODO)\b.*$/i;

/**
 * Parses TAP (node --test's `tap` reporter, prove and other TAP producers): every `not ok` test
 * point, with its YAML diagnostics block for the message and location. Node's describe blocks and
 * tests that failed only through their subtests are not counted again.
 */
export function parseTap(text: string, shown: string, root: string): TestReport | ReportProblem {
  const lines = text.split(/\r?\n/);
  if (!lines.some((line) => /^\s*(not )?ok\b/.test(line))) {
    return { problem: `report ${shown} is not a TAP report (no \`ok\` or \`not ok\` line)` };
  }
  const report: TestReport = { tests: 0, failures: [], failed: 0, skipped: 0 };
  const subtests = new Map<number, string>(); // indent → name of the enclosing `# Subtest:`
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const subtest = SUBTEST.exec(line);
    if (subtest) {
      const indent = subtest[1]?.length ?? 0;
      for (const key of [...subtests.keys()]) if (key >= indent) subtests.delete(key);
      subtests.set(indent, subtest[2]?.trim() ?? "");
      continue;
    }
    const point = TEST_POINT.exec(line);
    if (!point) continue;
    const indent = point[1]?.length ?? 0;
    const { diagnostics, next } = diagnosticsAfter(lines, i + 1);
    i = next - 1;
    if (diagnostics.type === "suite") continue;
    const directive = DIRECTIVE.exec(point[3] ?? "");
    const title = (point[3] ?? "").replace(DIRECTIVE, "").trim() || "(unnamed test)";
    if (point[2] && diagnostics.failureType === "subtestsFailed") continue;
    report.tests++;
    if (directive) {
      if (directive[1]?.toUpperCase() === "SKIP") report.skipped++;
      continue; // a failing TODO does not fail the run
    }
    if (!point[2]) continue;
    report.failed++;
    if (report.failures.length >= MAX_LISTED_FAILURES) continue;
    const parents = [...subtests.entries()]
      .filter(([key]) => key < indent)
      .sort(([a], [b]) => a - b)
      .map(([, name]) => name);
    const location =
      locationIn(textOf(diagnostics.stack), root) ?? locationIn(textOf(diagnostics.location), root);
    report.failures.push({
      name: [...parents, title].join(" › "),
      ...(location ? { location } : {}),
      message: messageLines(textOf(diagnostics.error ?? diagnostics.message), undefined),
    });
  }
  return report;
}

/** The YAML block (`---` … `...`) after a test point, parsed; unreadable diagnostics count as none. */
function diagnosticsAfter(lines: readonly string[], start: number): { diagnostics: XmlNode; next: number } {
  const open = lines[start];
  if (open === undefined || open.trim() !== "---") return { diagnostics: {}, next: start };
  const indent = open.length - open.trimStart().length;
  let end = start + 1;
  while (end < lines.length && (lines[end] as string).trim() !== "...") end++;
  const block = lines
    .slice(start + 1, end)
    .map((line) => line.slice(indent))
    .join("\n");
  let diagnostics: XmlNode = {};
  try {
    const parsed: unknown = parseYamlText(block, { maxAliasCount: 0 });
    if (typeof parsed === "object" && parsed !== null) diagnostics = parsed as XmlNode;
  } catch {
    // a producer's malformed YAML costs the message, not the failure
  }
  return { diagnostics, next: end + 1 };
}

function textOf(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

function withSuite(name: string, suite: string | undefined, classname: string | undefined): string {
  if (suite === undefined || suite === classname || name === suite || name.startsWith(`${suite} `))
    return name;
  if (ROOT_SUITE_NAMES.has(suite.toLowerCase()) || /[/\\]|\.\w+$/.test(suite)) return name;
  return `${suite} › ${name}`;
}

/** The first lines of a failure: its body up to the stack trace, else its message attribute. */
function messageLines(body: string, messageAttr: string | undefined): string[] {
  const all = body
    .split(/\r?\n/)
    .map((line) => line.trim())
    // node:test wraps the error: `[Error [ERR_TEST_FAILURE]: real message` … `last line] {`.
    .map((line) => line.replace(/^\[?Error \[ERR_TEST_FAILURE\]: /, "").replace(/\]\s*\{$/, ""));
  // pytest shows the failing source first and marks the error lines with `E`.
  const errorLines = all.filter((line) => /^E\s/.test(line)).map((line) => line.replace(/^E\s+/, ""));
  const end = all.findIndex(isStackFrame);
  const beforeStack = (end === -1 ? all : all.slice(0, end)).filter((line) => line !== "");
  const chosen = errorLines.length > 0 ? errorLines : beforeStack;
  const kept = chosen.length > 0 ? chosen : messageAttr ? [messageAttr.trim()] : [];
  return kept
    .slice(0, MESSAGE_LINES)
    .map((line) => (line.length > LINE_WIDTH ? `${line.slice(0, LINE_WIDTH)}…` : line));
}

function isStackFrame(line: string): boolean {
  // A stack frame, vitest's `❯ file:line:col`, or the properties node:test prints after the error.
  return /^at\s/.test(line) || /^❯\s/.test(line) || /^(code|failureType|cause|generatedMessage):/.test(line);
}

/**
 * The first `path:line[:col]` in a failure body that points into the project: a stack frame, a
 * vitest `❯ file:line:col` or a pytest `file:line: Error`. Frames in node_modules or Node's own
 * modules are skipped; absolute paths outside `root` are never shown.
 */
function locationIn(body: string, root: string): string | undefined {
  const pattern =
    /(file:\/\/\/?[^\s():]+|[A-Za-z]:[\\/][^\s():]+|[^\s():'"`]+)\.([A-Za-z]{1,5}):(\d+)(?::(\d+))?/g;
  for (const match of body.matchAll(pattern)) {
    const [, stem = "", ext = "", line = "", col] = match;
    let file = `${stem}.${ext}`;
    if (file.startsWith("file:")) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    if (file.startsWith("node:") || file.includes("node_modules")) continue;
    const relative = relativeTo(root, file);
    if (relative === undefined || /^https?:/.test(file)) continue;
    return `${relative}:${line}${col ? `:${col}` : ""}`;
  }
  return undefined;
}

/** `file` relative to `root` with forward slashes, or undefined when it lies outside `root`. */
function relativeTo(root: string, file: string): string | undefined {
  const absolute = path.isAbsolute(file) ? file : path.resolve(root, file);
  const relative = path.relative(root, absolute);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join("/");
}

function attr(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function asArray(value: unknown): XmlNode[] {
  if (value === undefined || value === null) return [];
  // An empty element (`<failure/>`) parses to "", a text-only one to its text.
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) =>
    typeof item === "object" && item !== null ? (item as XmlNode) : { "#text": String(item) },
  );
}

/** What a test command did, for the failure reason, VALIDATION.md and the rework prompt. */
export interface TestRunOutcome {
  /** How the command is named, e.g. "`test` (npm test)". */
  command: string;
  /** Exit code; null when it was killed or did not finish. */
  exitCode: number | null;
  /** The report's workspace-relative path, when the command declares one. */
  reportPath?: string;
  report?: TestReport | ReportProblem;
}

/**
 * One text that tells the agent which tests to fix: each failing test's name, location and first
 * message lines; or, when the command failed but its report lists no failing test, that the failure
 * lies outside the tests. Returns undefined when there is nothing to say beyond the exit code.
 */
export function describeTestFailures(outcome: TestRunOutcome): string | undefined {
  const { report, reportPath } = outcome;
  if (report === undefined || reportPath === undefined) return undefined;
  const failed = outcome.exitCode !== 0;
  if ("problem" in report) return failed ? `${outcome.command} failed and ${report.problem}` : undefined;
  if (report.failed === 0) {
    if (!failed) return undefined;
    return `${outcome.command} exited ${outcome.exitCode === null ? "without an exit code" : `with code ${outcome.exitCode}`} but its report ${reportPath} lists no failing test (${report.tests} ${report.tests === 1 ? "test" : "tests"} ran): the failure is outside the tests (build, setup, a file that does not load, or the command itself); see its output`;
  }
  const header = `${report.failed} of ${report.tests} ${report.tests === 1 ? "test" : "tests"} failed (report ${reportPath}):`;
  const lines = [header];
  for (const failure of report.failures) {
    const where = failure.location ?? failure.classname;
    lines.push(`- ${failure.name}${where ? ` (${where})` : ""}`);
    for (const line of failure.message) lines.push(`    ${line}`);
  }
  const unlisted = report.failed - report.failures.length;
  if (unlisted > 0)
    lines.push(`- … and ${unlisted} more failing ${unlisted === 1 ? "test" : "tests"} in the report`);
  return lines.join("\n");
}

/**
 * Before a declared command runs in `workdir`: readies its report path (see prepareReportPath).
 * The path goes through the workspace guard, so a report cannot point outside the working tree.
 */
export async function prepareCommandReport(command: OperatorCommand, workdir: Workspace): Promise<void> {
  const declared = reportOf(command);
  if (declared) await prepareReportPath(workdir.resolve(declared.path, "report"));
}

/**
 * After a declared command ran in `workdir` and exited with `exitCode`: what its report says for
 * the failure reason, VALIDATION.md and the rework prompt (see describeTestFailures), or undefined
 * when the command declares no report or there is nothing to add.
 */
export async function commandReportText(
  command: OperatorCommand,
  workdir: Workspace,
  exitCode: number | null,
): Promise<string | undefined> {
  const declared = reportOf(command);
  if (declared === undefined) return undefined;
  const file = workdir.resolve(declared.path, "report");
  const report = await readTestReport(file, declared.path, workdir.root, declared.format);
  return describeTestFailures({
    command: `\`${command.name}\``,
    exitCode,
    reportPath: declared.path,
    report,
  });
}

function reportOf(command: OperatorCommand): { path: string; format: ReportFormat } | undefined {
  const { junit, tap } = command.report ?? {};
  if (junit !== undefined) return { path: junit, format: "junit" };
  if (tap !== undefined) return { path: tap, format: "tap" };
  return undefined;
}
