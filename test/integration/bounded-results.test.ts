import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIteration } from "../../src/engine/create-iteration.js";
import { generatePrompts } from "../../src/engine/generate.js";
import type { Store } from "../../src/store/api.js";
import type { NewAssignment } from "../../src/store/records.js";
import { boundGenerate } from "../../src/tools/bounded.js";
import { openEngine } from "../helpers/baton.js";
import { connectInMemory } from "../helpers/mcp.js";
import { tempDir, writeFiles } from "../helpers/temp.js";

// Every tool result stays under 64 KB at any run size (#13.3). The 10k assignments are written
// through the store: the sizes of results, not the speed of creating files, are under test.

const LIMIT = 64 * 1024;
const SIZE = 10_000;

const WORKFLOW = `workflow:
  name: many
  description: One developer per item
  iterations:
    - name: build
      goal: Build every item
      agents:
        - role: developer
          targets: ["items/*.md"]
          deliverables: ["out/{item_id}.md"]
      completion_criteria:
        - { check: headings, deliverable: "out/{item_id}.md", headings: ["Result"] }
agent_roles:
  developer: { complexity_threshold: 1 }
`;

/** The bytes a host receives: every text block and the structured content. */
function size(result: CallToolResult): number {
  const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("");
  return Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(result.structuredContent ?? null));
}

function fill(store: Store, iterationId: string, prompt: string, count: number): void {
  const rows: NewAssignment[] = [];
  for (let i = 1; i <= count; i++) {
    const local = `developer-${String(i).padStart(5, "0")}`;
    rows.push({
      id: `${iterationId}/${local}`,
      iteration_id: iterationId,
      local_id: local,
      role: "developer",
      targets: [`items/item-${i}.md`],
      deliverables: [`out/item-${i}.md`],
      estimate: { prompt_tokens: 500, input_tokens: 100, output_tokens: 800 },
      risk: { score: 0, level: "low", reasons: [] },
      prompt_path: prompt,
    });
  }
  store.replaceAssignments(iterationId, rows);
}

describe(`tool results at ${SIZE} assignments`, () => {
  let dir: string;
  let cleanup: () => void;
  let iterationId: string;
  let runId: string;

  beforeAll(async () => {
    ({ dir, cleanup } = tempDir());
    writeFiles(dir, { ".baton/workflows/many.yaml": WORKFLOW, "items/item-1.md": "# Item 1\n" });
    const { engine, store, close } = openEngine(dir);
    try {
      // Many finished runs: get_status {} shows the last few and counts the rest.
      for (let r = 0; r < 12; r++) {
        const done = await createIteration(engine, { workflow: "many" });
        store.setRunStatus(done.run_id, "completed");
      }
      const created = await createIteration(engine, { workflow: "many" });
      ({ iteration_id: iterationId, run_id: runId } = created);
      const generated = await generatePrompts(engine, { iteration_id: iterationId });
      fill(store, iterationId, generated.assignments[0]?.prompt_path as string, SIZE);
      // Out of attempts: validation reports every one of them without writing 10k rework prompts.
      store.transaction(() => {
        for (let i = 2; i <= SIZE; i++) {
          store.setAssignmentState(`${iterationId}/developer-${String(i).padStart(5, "0")}`, "failed", {
            attempts: 3,
          });
        }
      });
    } finally {
      close();
    }
  }, 120_000);
  afterAll(() => cleanup?.());

  it("get_status {}, {run_id}, validate_iteration and submit_assignment each stay under 64 KB", async () => {
    const { client, close } = await connectInMemory(dir);
    try {
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

      const submitted = await call("submit_assignment", { assignment_id: `${iterationId}/developer-00001` });
      expect(submitted.isError).toBeFalsy();
      expect(size(submitted)).toBeLessThan(LIMIT);
    } finally {
      await close();
    }
  }, 300_000);

  it("generate_prompts keeps the first assignments and links the manifest for the rest", () => {
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
