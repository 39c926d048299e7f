import { describe, expect, it } from "vitest";
import { MAX_YAML_ALIASES, MAX_YAML_DOCUMENTS, parseYaml } from "../../../src/engine/validate/parse.js";
import { contentBudget } from "../../../src/engine/validate/slices.js";
import type { ConcreteCheck } from "../../../src/engine/validate/types.js";
import { one, run, workspaceWith } from "./helpers.js";

// #12 item 10: every content check is bounded per file and per validation. Outcomes are asserted,
// never durations.

const EVIL = `${"a".repeat(29)}!`; // against ^(a+)+$: 81 s unbounded

describe("bounded content checks", () => {
  it("a json_schema `pattern` that backtracks catastrophically fails instead of hanging", async () => {
    const ws = workspaceWith({ "x.json": JSON.stringify({ name: EVIL }) });
    const result = await one(ws, {
      check: "json_schema",
      path: "x.json",
      file: "x.json",
      schema: { type: "object", properties: { name: { type: "string", pattern: "^(a+)+$" } } },
    });
    expect(result).toMatchObject({ status: "failed" });
    expect(result.reason).toMatch(/x\.json: a `pattern` of the inline schema did not finish within 1000 ms/);
    // A pattern that finishes still decides as a regex does.
    const fine = await one(ws, {
      check: "json_schema",
      path: "x.json",
      file: "x.json",
      schema: { type: "object", properties: { name: { type: "string", pattern: "!$" } } },
    });
    expect(fine.status).toBe("passed");
  });

  it("the regex limit is per validation too: checks past the budget fail as timed out", async () => {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}.txt`, EVIL]));
    const ws = workspaceWith(files);
    const checks: ConcreteCheck[] = Object.keys(files).map((file) => ({
      check: "regex",
      path: file,
      file,
      pattern: "^(a+)+$",
    }));
    const results = await run(ws, checks, { contentBudget: contentBudget(2500) });
    expect(results).toHaveLength(6);
    expect(results.every((r) => r.status === "failed")).toBe(true);
    expect(results[0]?.reason).toMatch(/did not finish within 1000 ms/);
    // However slow the machine, the last ones cannot have had their second: the budget ended first.
    expect(results[5]?.reason).toMatch(/^check timed out after 2\.5 s/);
    expect(results[4]?.reason).toMatch(/^check timed out after 2\.5 s/);
  });

  it("one validation's runChecks calls share its slices: a call that starts after a long slice yields first", async () => {
    const ws = workspaceWith({ "x.md": "# A\n\ntext\n" });
    const check: ConcreteCheck = { check: "headings", path: "x.md", file: "x.md", headings: ["A"] };
    await one(ws, check); // its libraries are loaded now: nothing to import (and wait for) below
    const yields = async (lastTurn: number) => {
      let turned = false;
      setImmediate(() => {
        turned = true;
      });
      await one(ws, check, { contentBudget: { ...contentBudget(), lastTurn } });
      return turned;
    };
    // The validation's last turn was long ago (its earlier assignments' checks used up the slice):
    // a thousand small assignments, each well under a slice, still let other requests in.
    expect(await yields(Date.now() - 60_000)).toBe(true);
    // It has just had a turn: this call runs through.
    expect(await yields(Date.now() + 60_000)).toBe(false);
  });

  it("YAML: too many documents or aliases is a clear failure; duplicate keys are still found", () => {
    expect(parseYaml("---\n".repeat(MAX_YAML_DOCUMENTS * 100))).toEqual({
      ok: false,
      problem: `too many YAML documents (more than ${MAX_YAML_DOCUMENTS}); not checked`,
    });
    const aliases = `base: &a {x: 1}\nl:\n${"- *a\n".repeat(MAX_YAML_ALIASES + 1)}`;
    expect(parseYaml(aliases)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/too many YAML aliases/),
    });
    expect(parseYaml(`l:\n${"- *a\n".repeat(3)}`.replace("l:\n", "base: &a 1\nl:\n"))).toEqual({
      ok: true,
      value: { base: 1, l: [1, 1, 1] },
      documents: 1,
    });
    const keys = Array.from({ length: 5000 }, (_, i) => `k${i}: 1\n`).join("");
    expect(parseYaml(`${keys}k17: 2\n`)).toEqual({
      ok: false,
      problem: "invalid YAML at 5001:1: Map keys must be unique",
    });
    expect(parseYaml("x".repeat(2 * 1024 * 1024))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/too large to parse as YAML/),
    });
  });
});
