import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CHECK_KINDS, checkSchema } from "../../../src/config/schema.js";
import { describeCheck } from "../../../src/engine/criteria.js";
import { CHECK_KIND_LIST } from "../../../src/engine/validate/kinds/index.js";
import { checkKindsTable, updateCheckKindsTable } from "../../../src/engine/validate/kinds/table.js";
import { missesOf, recordMisses, reminders } from "../../../src/engine/validate/misses.js";
import type { ConcreteCheck } from "../../../src/engine/validate/types.js";
import { run, workspaceWith } from "./helpers.js";

const FORMATS = new URL("../../../docs/formats.md", import.meta.url);

describe("the registry of check kinds", () => {
  it("is the one list the workflow schema accepts, each kind once", () => {
    expect(CHECK_KINDS).toEqual(CHECK_KIND_LIST.map((k) => k.name));
    expect(new Set(CHECK_KINDS).size).toBe(CHECK_KINDS.length);
  });

  it("holds every kind file of src/engine/validate/kinds, one kind per file", async () => {
    const folder = new URL("../../../src/engine/validate/kinds/", import.meta.url);
    const infrastructure = ["index.ts", "kind.ts", "params.ts", "table.ts"];
    const found: { file: string; name: string; listed: boolean }[] = [];
    for (const file of readdirSync(folder).filter((f) => !infrastructure.includes(f))) {
      const exports = Object.values((await import(new URL(file, folder).href)) as Record<string, unknown>);
      for (const value of exports) {
        if (typeof value === "object" && value !== null && "target" in value && "evaluate" in value) {
          found.push({
            file,
            name: String((value as unknown as { name: string }).name),
            listed: CHECK_KIND_LIST.includes(value as never),
          });
        }
      }
    }
    // A kind file not in CHECK_KIND_LIST would be a kind no workflow could use: add its line there.
    expect(found.filter((k) => !k.listed)).toEqual([]);
    expect(found.map((k) => k.file.replace(/\.ts$/, "").replaceAll("-", "_")).sort()).toEqual(
      [...CHECK_KINDS].sort(),
    );
  });

  it("gives a key shared by several kinds the same validation in each", () => {
    const byKey = new Map<string, string[]>();
    for (const kind of CHECK_KIND_LIST) {
      for (const [key, schema] of Object.entries(kind.params as Record<string, z.ZodType>)) {
        const { description: _d, ...shape } = z.toJSONSchema(schema) as Record<string, unknown>;
        byKey.set(key, [...(byKey.get(key) ?? []), JSON.stringify(shape)]);
      }
    }
    expect([...byKey.keys()].sort()).toEqual(
      [
        "bytes",
        "flags",
        "headings",
        "name",
        "optional",
        "pattern",
        "rules",
        "run",
        "schema",
        "timeout_s",
      ].sort(),
    );
    for (const [, shapes] of byKey) expect(new Set(shapes).size).toBe(1);
  });

  it("refuses a parameter the kind does not take, naming the ones it does", () => {
    const parsed = checkSchema.safeParse({ check: "contains", path: "a.md", pattern: "x", bytes: 3 });
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["bytes", "`bytes` is not a parameter of check `contains`; it takes `pattern`"],
    ]);
    const none = checkSchema.safeParse({ check: "exists", path: "a.md", run: "true" });
    expect(none.error?.issues[0]?.message).toBe("`run` is not a parameter of check `exists`; it takes none");
  });

  it("words every kind for prompts and COMPLETION_CRITERIA.md", () => {
    const checks = [
      { check: "exists" },
      { check: "min_bytes", bytes: 10 },
      { check: "regex", pattern: "^a", flags: "m" },
      { check: "headings", headings: ["A", "B"] },
      { check: "json_schema", schema: "s.json" },
      { check: "markdown", rules: { MD013: false } },
      { check: "scope" },
      { check: "command", run: "npm test" },
    ] as ConcreteCheck[];
    expect(checks.map((c) => describeCheck(c, "a.md"))).toEqual([
      "`a.md` exists",
      "`a.md` has at least 10 bytes besides leading and trailing whitespace",
      "`a.md` matches `/^a/m`",
      '`a.md` has the headings "A", "B"',
      "`a.md` validates against `s.json`",
      "`a.md` passes markdownlint with the rules MD013: false",
      "no file outside the declared deliverables is created or changed",
      "`npm test` exits 0 within 60 s (only when the operator allows commands)",
    ]);
  });

  it("renders the docs table, and docs/formats.md holds the current one (run `npm run docs` when this fails)", () => {
    const table = checkKindsTable();
    for (const kind of CHECK_KIND_LIST) expect(table).toContain(`| \`${kind.name}\` |`);
    expect(table).toContain("| `regex` | `pattern` (JS regex source), optional `flags` (i, m, s, u) |");
    const formats = readFileSync(FORMATS, "utf8");
    expect(updateCheckKindsTable(formats)).toBe(formats);
  });

  it("fails a check of a kind it does not know, instead of recording no result", async () => {
    const ws = workspaceWith({ "a.md": "text" });
    const results = await run(ws, [
      { check: "max_lines", path: "a.md" } as unknown as ConcreteCheck,
      { check: "exists", path: "a.md" },
    ]);
    expect(results).toEqual([
      {
        check: "max_lines",
        status: "failed",
        reason: `check kind \`max_lines\` is unknown to this version of Baton; known kinds: ${CHECK_KINDS.join(", ")}`,
      },
      { check: "exists", file: "a.md", status: "passed", reason: "a.md: exists (4 bytes)" },
    ]);
  });
});

describe("structured misses", () => {
  it("are recorded for failed results only, with their assignment", () => {
    const recorded = recordMisses(
      new Map([
        [
          "a-1",
          [
            { check: "contains", file: "x.md", status: "failed", reason: "…", miss: { expected: "Z" } },
            { check: "exists", file: "x.md", status: "passed", reason: "…" },
          ],
        ],
      ]),
      [{ check: "scope", status: "failed", reason: "…", miss: { found: ["b.txt"] } }],
    );
    expect(recorded).toEqual([
      { assignment_id: "a-1", deliverable: "x.md", check: "contains", miss: { expected: "Z" } },
      { assignment_id: null, deliverable: null, check: "scope", miss: { found: ["b.txt"] } },
    ]);
    expect(missesOf({ failures: [], misses: recorded })).toEqual(recorded);
    expect(missesOf({ failures: [{ check: "contains", reason: 'x.md: does not contain "Z"' }] })).toEqual([]);
  });

  it("become reminders in the words of their kind, whatever the failure message said", () => {
    const p = "docs/{id}/summary.md";
    expect(reminders("headings", { missing: ["Scope", 'The "API"'], found: [] }, p)).toEqual([
      'contain the heading "## Scope"',
      'contain the heading "## The "API""',
    ]);
    expect(reminders("implicit:min_bytes", { expected: 200, found: 12 }, p)).toEqual([
      "have at least 200 bytes",
    ]);
    expect(reminders("min_bytes", { found: "no readable file" }, p)).toEqual(["pass its `min_bytes` check"]);
    expect(reminders("contains", { expected: "a\nb" }, p)).toEqual(['contain "a\\nb"']);
    expect(reminders("contains", { found: "no readable file" }, p)).toEqual(["contain the required text"]);
    expect(reminders("regex", { expected: "/^# /m" }, p)).toEqual(["match `/^# /m`"]);
    expect(reminders("regex", { found: "timeout" }, p)).toEqual(["pass its `regex` check"]);
    expect(reminders("implicit:exists", {}, p)).toEqual(["be written at exactly `docs/{id}/summary.md`"]);
    expect(reminders("implicit:format", { expected: "markdown" }, p)).toEqual(["be valid MD"]);
    expect(reminders("max_bytes", { expected: 10, found: 20 }, p)).toEqual(["pass its `max_bytes` check"]);
    expect(reminders("retired_kind", {}, p)).toEqual(["pass its `retired_kind` check"]);
  });
});
