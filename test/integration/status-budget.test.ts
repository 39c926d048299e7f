import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { loadTokenizer } from "../../src/engine/tokens.js";
import { test } from "../helpers/fixtures.js";
import { itemsWorkspace, seedIteration } from "../helpers/items.js";

// #13 target: get_status {} stays ≤ 4,000 tokens after 100 runs (it grew by every run before).
// Tokens are counted, not time: the whole result a host reads (text and structuredContent).

describe("get_status {} after 100 runs", () => {
  test.override({ files: itemsWorkspace("many", 1) });

  test("shows the latest active runs within 4,000 tokens and counts the rest", async ({ baton, mcp }) => {
    for (let r = 0; r < 100; r++) await seedIteration(baton.engine, baton.store, "many", 6);
    const result = (await mcp.callTool({ name: "get_status", arguments: {} })) as CallToolResult;
    const count = await loadTokenizer();
    expect(count(JSON.stringify(result))).toBeLessThanOrEqual(4000);
    const report = result.structuredContent as {
      runs: { iterations: { assignments: unknown[]; assignments_omitted?: number }[] }[];
      runs_omitted: number;
    };
    expect(report.runs.length + report.runs_omitted).toBe(100);
    const rows = report.runs.flatMap((r) => r.iterations).reduce((n, it) => n + it.assignments.length, 0);
    const omitted = report.runs
      .flatMap((r) => r.iterations)
      .reduce((n, it) => n + (it.assignments_omitted ?? 0), 0);
    expect(rows + omitted).toBe(report.runs.length * 6);
  }, 120_000);
});
