import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { createIteration } from "../../src/engine/create-iteration.js";
import { boundGenerate } from "../../src/tools/bounded.js";
import { openEngine } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { itemsWorkspace, RESULT_HEADING, seededId, seedIteration } from "../helpers/items.js";

// Every tool result stays under 64 KB at any run size (#13.3). The 10k assignments are written
// through the store: the sizes of results, not the speed of creating files, are under test.

const LIMIT = 64 * 1024;
const SIZE = 10_000;

test.override({ shared: { files: itemsWorkspace("many", 1, { criteria: [RESULT_HEADING] }) } });

/** The bytes a host receives: every text block and the structured content. */
function size(result: CallToolResult): number {
  const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
  return Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(result.structuredContent ?? null));
}

describe(`tool results at ${SIZE} assignments`, () => {
  let iterationId: string;
  let runId: string;

  // One seeded store for both tests: 10k rows are written once per file.
  test.beforeAll(async ({ sharedDir }) => {
    const { engine, store, close } = openEngine(sharedDir);
    try {
      // Many finished runs: get_status {} shows the last few and counts the rest.
      for (let r = 0; r < 12; r++) {
        const done = await createIteration(engine, { workflow: "many" });
        store.setRunStatus(done.run_id, "completed");
      }
      ({ iterationId, runId } = await seedIteration(engine, store, "many", SIZE));
      // Out of attempts: validation reports every one of them without writing 10k rework prompts.
      store.transaction(() => {
        for (let i = 2; i <= SIZE; i++)
          store.setAssignmentState(seededId(iterationId, i), "failed", { attempts: 3 });
      });
    } finally {
      close();
    }
  }, 120_000);

  test("get_status {}, {run_id}, validate_iteration and submit_assignment each stay under 64 KB", async ({
    sharedMcp: client,
  }) => {
    const call = async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult;

    const all = await call("get_status", {});
    expect(size(all)).toBeLessThan(LIMIT);
    const everything = all.structuredContent as { runs: { id: string }[]; runs_omitted: number };
    expect(everything.runs.map((r) => r.id)).toContain(runId);
    expect(everything.runs).toHaveLength(6); // the active run and the last 5 finished
    expect(everything.runs_omitted).toBe(7);

    const one = await call("get_status", { run_id: runId });
    expect(size(one)).toBeLessThan(LIMIT);
    const it0 = (one.structuredContent as { runs: { iterations: Record<string, unknown>[] }[] }).runs[0]
      ?.iterations[0] as { assignment_counts: Record<string, number>; assignments_omitted: number };
    expect(it0.assignment_counts).toEqual({ pending: 1, failed: SIZE - 1 });
    expect(it0.assignments_omitted).toBeGreaterThan(SIZE - 200);

    const validated = await call("validate_iteration", { iteration_id: iterationId });
    expect(size(validated)).toBeLessThan(LIMIT);
    const report = validated.structuredContent as {
      counts: { failed: number };
      failures: unknown[];
      next: string;
    };
    expect(report.counts.failed).toBe(SIZE);
    expect(report.failures.length).toBeLessThan(SIZE);
    expect(report.next).toContain(`${SIZE - report.failures.length} more failure(s)`);
    expect(report.next).toContain(`baton://iterations/${iterationId}/validation`);

    const submitted = await call("submit_assignment", { assignment_id: seededId(iterationId, 1) });
    expect(submitted.isError).toBeFalsy();
    expect(size(submitted)).toBeLessThan(LIMIT);
  }, 300_000);

  test("the run resource is get_status's view of the run: counts for all, rows within the same budget", async ({
    sharedMcp: client,
  }) => {
    const text = (
      (await client.readResource({ uri: `baton://runs/${runId}` })).contents[0] as { text: string }
    ).text;
    expect(Buffer.byteLength(text)).toBeLessThan(LIMIT);
    const status = (await client.callTool({
      name: "get_status",
      arguments: { run_id: runId },
    })) as CallToolResult;
    expect(JSON.parse(text)).toEqual(status.structuredContent);
  }, 120_000);

  test("the estimates resource has totals and a first page; its next_page links cover every assignment", async ({
    sharedMcp: client,
  }) => {
    interface Page {
      assignments: { id: string }[];
      assignments_total: number;
      pages: number;
      next_page?: string;
      risk?: { assignments: number }[];
    }
    const read = async (uri: string): Promise<Page> => {
      const text = ((await client.readResource({ uri })).contents[0] as { text: string }).text;
      expect(Buffer.byteLength(text)).toBeLessThan(LIMIT);
      return JSON.parse(text) as Page;
    };
    const summary = await read(`baton://runs/${runId}/estimates`);
    expect(summary.assignments_total).toBe(SIZE);
    expect(summary.risk?.reduce((n, r) => n + r.assignments, 0)).toBe(SIZE);
    const ids = summary.assignments.map((a) => a.id);
    for (let next = summary.next_page; next !== undefined; ) {
      const page = await read(next);
      ids.push(...page.assignments.map((a) => a.id));
      next = page.next_page;
    }
    expect(ids).toHaveLength(SIZE);
    expect(new Set(ids).size).toBe(SIZE);
    expect([ids[0], ids.at(-1)]).toEqual([seededId(iterationId, 1), seededId(iterationId, SIZE)]);
    await expect(
      client.readResource({ uri: `baton://runs/${runId}/estimates/${summary.pages + 1}` }),
    ).rejects.toThrow(`have pages 1 to ${summary.pages}`);
  }, 120_000);

  test("generate_prompts keeps the first assignments and links the manifest for the rest", () => {
    const assignments = Array.from({ length: SIZE }, (_, i) => ({
      id: `many-1-i01/developer-${i}`,
      local_id: `developer-${i}`,
      role: "developer",
      targets: Array.from({ length: 40 }, (_, t) => `items/item-${i}-${t}.md`),
      deliverables: [`out/item-${i}.md`],
      estimated_tokens: 1000,
      estimate: { prompt_tokens: 500, input_tokens: 100, output_tokens: 400 },
      token_budget: 30000,
      risk: { score: 0, level: "low" as const, reasons: [] },
      prompt_path: `iterations/many-1/i01/agent-prompts/developer-${i}.md`,
      prompt_uri: `baton://iterations/many-1-i01/prompts/developer-${i}`,
    }));
    const totals = {
      assignments: SIZE,
      targets: SIZE * 40,
      estimated_tokens: SIZE * 1000,
      over_budget: 0,
      high_risk: 0,
    };
    const bounded = boundGenerate({
      iteration_id: "many-1-i01",
      dry_run: false,
      path: "iterations/many-1/i01",
      assignments,
      totals,
    });
    expect(Buffer.byteLength(JSON.stringify(bounded))).toBeLessThan(LIMIT);
    expect(bounded.assignments_omitted).toBe(SIZE - bounded.assignments.length);
    expect(bounded.assignments[0]?.targets.at(-1)).toBe("… 30 more");
    expect(bounded.totals).toEqual(totals);
  });
});
