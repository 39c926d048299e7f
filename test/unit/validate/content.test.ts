import { describe, expect, it } from "vitest";
import { runChecks } from "../../../src/engine/validate/index.js";
import { contextFor, longMarkdown, one, workspaceWith } from "./helpers.js";

const REQ = "stories/US-3/requirements.md";
const requirements = `# US-3

## Functional Requirements

The system shall do things.

\`\`\`md
## Acceptance Criteria (inside a code block: not a heading)
\`\`\`

### Notes

TODO: ask the product owner.
`;

describe("exists, min_bytes, max_bytes", () => {
  const ws = () => workspaceWith({ [REQ]: requirements });
  const size = Buffer.byteLength(requirements);

  it("exists", async () => {
    expect(await one(ws(), { check: "exists", path: REQ })).toEqual({
      check: "exists",
      file: REQ,
      status: "passed",
      reason: `${REQ}: exists (${size} bytes)`,
    });
    expect(await one(ws(), { check: "exists", path: "stories/US-4/requirements.md" })).toEqual({
      check: "exists",
      file: "stories/US-4/requirements.md",
      status: "failed",
      reason: "stories/US-4/requirements.md: file does not exist",
      miss: { found: "no readable file" },
    });
  });

  it("min_bytes", async () => {
    // The final newline is surrounding whitespace: content is one byte less than the file.
    const content = size - 1;
    expect((await one(ws(), { check: "min_bytes", path: REQ, bytes: 100 })).reason).toBe(
      `${REQ}: ${size} bytes, >= 100`,
    );
    expect(await one(ws(), { check: "min_bytes", path: REQ, bytes: 1024 })).toEqual({
      check: "min_bytes",
      file: REQ,
      status: "failed",
      reason: `${REQ}: ${content} bytes, needs >= 1024`,
      miss: { expected: 1024, found: content },
    });
  });

  it("min_bytes and the implicit minimum do not count padding (#19)", async () => {
    const stub = `${" ".repeat(600)}{"story_id": "US-3"}${" ".repeat(1100)}\n`;
    const padded = workspaceWith({ "stories/US-3/estimation.json": stub });
    expect(
      await one(padded, { check: "min_bytes", path: "stories/US-3/estimation.json", bytes: 40 }),
    ).toMatchObject({ status: "failed", miss: { expected: 40, found: 20 } });
    const results = await runChecks([], ["stories/US-3/estimation.json"], contextFor(padded));
    expect(results.find((r) => r.check === "implicit:min_bytes")).toMatchObject({
      status: "failed",
      reason: `stories/US-3/estimation.json: 20 bytes of content (${Buffer.byteLength(stub)} with surrounding whitespace), needs >= 200`,
    });
  });

  it("max_bytes", async () => {
    expect(await one(ws(), { check: "max_bytes", path: REQ, bytes: 4096 })).toMatchObject({
      status: "passed",
      reason: `${REQ}: ${size} bytes, <= 4096`,
    });
    expect(await one(ws(), { check: "max_bytes", path: REQ, bytes: 50 })).toMatchObject({
      status: "failed",
      reason: `${REQ}: ${size} bytes, needs <= 50`,
    });
  });
});

describe("contains, not_contains", () => {
  it("contains", async () => {
    const ws = workspaceWith({ [REQ]: requirements });
    expect(await one(ws, { check: "contains", path: REQ, pattern: "## Functional Requirements" })).toEqual({
      check: "contains",
      file: REQ,
      status: "passed",
      reason: `${REQ}: contains "## Functional Requirements"`,
    });
    expect(await one(ws, { check: "contains", path: REQ, pattern: "## Risks" })).toEqual({
      check: "contains",
      file: REQ,
      status: "failed",
      reason: `${REQ}: does not contain "## Risks"`,
      miss: { expected: "## Risks" },
    });
  });

  it("contains is case-sensitive", async () => {
    const ws = workspaceWith({ [REQ]: requirements });
    expect(
      (await one(ws, { check: "contains", path: REQ, pattern: "## functional requirements" })).status,
    ).toBe("failed");
  });

  it("not_contains names the line of the first occurrence", async () => {
    const ws = workspaceWith({ [REQ]: requirements });
    expect(await one(ws, { check: "not_contains", path: REQ, pattern: "TODO" })).toEqual({
      check: "not_contains",
      file: REQ,
      status: "failed",
      reason: `${REQ}: contains "TODO" at line 13, which is not allowed`,
      miss: { expected: "TODO", line: 13 },
    });
    expect(await one(ws, { check: "not_contains", path: REQ, pattern: "FIXME" })).toEqual({
      check: "not_contains",
      file: REQ,
      status: "passed",
      reason: `${REQ}: does not contain "FIXME"`,
    });
  });

  it("a content check on a missing file fails once with a clear reason", async () => {
    const ws = workspaceWith();
    expect(await one(ws, { check: "contains", path: "missing.md", pattern: "x" })).toEqual({
      check: "contains",
      file: "missing.md",
      status: "failed",
      reason: "missing.md: file does not exist",
      miss: { found: "no readable file" },
    });
  });
});

describe("regex", () => {
  it("passes and fails with the pattern in the reason", async () => {
    const ws = workspaceWith({ [REQ]: requirements });
    expect(await one(ws, { check: "regex", path: REQ, pattern: "^# US-\\d+$", flags: "m" })).toEqual({
      check: "regex",
      file: REQ,
      status: "passed",
      reason: `${REQ}: matches /^# US-\\d+$/m`,
    });
    expect(await one(ws, { check: "regex", path: REQ, pattern: "^# US-\\d+$" })).toEqual({
      check: "regex",
      file: REQ,
      status: "failed",
      reason: `${REQ}: no match for /^# US-\\d+$/`,
      miss: { expected: "/^# US-\\d+$/" },
    });
  });

  it("honours flags", async () => {
    const ws = workspaceWith({ [REQ]: requirements });
    const result = await one(ws, {
      check: "regex",
      path: REQ,
      pattern: "functional requirements",
      flags: "i",
    });
    expect(result.status).toBe("passed");
  });

  it("fails an invalid regex with the engine's explanation", async () => {
    const ws = workspaceWith({ [REQ]: requirements });
    expect(await one(ws, { check: "regex", path: REQ, pattern: "(unclosed" })).toEqual({
      check: "regex",
      file: REQ,
      status: "failed",
      reason: `${REQ}: /(unclosed/ is not a valid regular expression: Invalid regular expression: /(unclosed/: Unterminated group`,
      miss: { found: "invalid regex" },
    });
  });

  it("stops catastrophic backtracking and reports it as a failure", async () => {
    const ws = workspaceWith({ "evil.txt": `${"a".repeat(40)}!`, "fine.txt": "aaa" });
    const results = await runChecks(
      [
        { check: "regex", path: "fine.txt", file: "fine.txt", pattern: "^a+$" },
        { check: "regex", path: "evil.txt", file: "evil.txt", pattern: "(a+)+$" },
        { check: "regex", path: "fine.txt", file: "fine.txt", pattern: "b" },
      ],
      [],
      contextFor(ws, { regexTimeoutMs: 100 }),
    );
    expect(results).toEqual([
      { check: "regex", file: "fine.txt", status: "passed", reason: "fine.txt: matches /^a+$/" },
      {
        check: "regex",
        file: "evil.txt",
        status: "failed",
        reason:
          "evil.txt: /(a+)+$/ did not finish within 100 ms (catastrophic backtracking?); simplify the pattern",
        miss: { found: "timeout" },
      },
      {
        check: "regex",
        file: "fine.txt",
        status: "failed",
        reason: "fine.txt: no match for /b/",
        miss: { expected: "/b/" },
      },
    ]);
  });
});

describe("headings", () => {
  it("passes when every heading occurs, at any level, ignoring case and surrounding space", async () => {
    const ws = workspaceWith({ [REQ]: requirements });
    expect(
      await one(ws, {
        check: "headings",
        path: REQ,
        headings: ["functional requirements ", "NOTES", "## US-3"],
      }),
    ).toEqual({
      check: "headings",
      file: REQ,
      status: "passed",
      reason: `${REQ}: has headings "functional requirements ", "NOTES", "## US-3"`,
    });
  });

  it("names the missing headings and the ones found (a heading in a code block does not count)", async () => {
    const ws = workspaceWith({ [REQ]: requirements });
    expect(
      await one(ws, {
        check: "headings",
        path: REQ,
        headings: ["Functional Requirements", "Acceptance Criteria"],
      }),
    ).toEqual({
      check: "headings",
      file: REQ,
      status: "failed",
      reason: `${REQ}: missing heading "Acceptance Criteria" (found: "US-3", "Functional Requirements", "Notes")`,
      miss: { missing: ["Acceptance Criteria"], found: ["US-3", "Functional Requirements", "Notes"] },
    });
  });

  it("reads setext headings and inline markup", async () => {
    const ws = workspaceWith({ "a.md": "Overview\n========\n\n## The `api` *contract*\n" });
    const result = await one(ws, {
      check: "headings",
      path: "a.md",
      headings: ["Overview", "The api contract"],
    });
    expect(result.status).toBe("passed");
  });

  it("says so when a file has no headings", async () => {
    const ws = workspaceWith({ "a.md": longMarkdown().replace("# Title\n", "") });
    expect((await one(ws, { check: "headings", path: "a.md", headings: ["Summary"] })).reason).toBe(
      'a.md: missing heading "Summary" (found: no headings)',
    );
  });
});
