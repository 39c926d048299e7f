import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, onTestFinished } from "vitest";
import { dryRunCommand, orchestrateCommand } from "../../src/commands/orchestrate.js";
import type { Output } from "../../src/commands/output.js";
import { reportCommand } from "../../src/commands/report.js";
import {
  AGENT_PRESETS,
  type AgentPreset,
  launchTemplate,
  modelProblem,
  parseUsage,
} from "../../src/engine/agents/presets.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { type EstimatesReport, estimatesReport } from "../../src/engine/estimates-report.js";
import type { Store } from "../../src/store/api.js";
import { openEngine } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { notesIteration, notesWorkflow, stories } from "../helpers/items.js";
import { connectInMemory } from "../helpers/mcp.js";
import { CLI, REPO_ROOT, roleYaml, writeFiles } from "../helpers/temp.js";

// `baton orchestrate --agent <preset>` with a stand-in for each agent CLI on PATH (a script that
// writes the deliverables and prints that CLI's recorded sample output, test/fixtures/agent-output/),
// and a launcher of the user's that writes BATON_USAGE_FILE: real processes, store and files. Each
// attempt's usage reaches the store and the run summary without the agent reporting it.

const FIXTURES = path.join(REPO_ROOT, "test", "fixtures", "agent-output");

const WORKFLOW = (model?: string) =>
  notesWorkflow("notes", "One note per story", [
    notesIteration("first", "a", {
      agent: model ? [`model: ${model}`] : [],
      criteria: [`{ check: headings, deliverable: "notes/{a_id}.md", headings: ["Result"] }`],
    }),
  ]);

/** Writes every BATON_DELIVERABLES file (cwd is the workspace), with a `## Result` section. */
const WRITE_DELIVERABLES = `${JSON.stringify(process.execPath)} -e 'const fs=require("fs"),p=require("path");for(const f of JSON.parse(process.env.BATON_DELIVERABLES)){fs.mkdirSync(p.dirname(f),{recursive:true});fs.writeFileSync(f,"# Note\\n\\n## Result\\n\\n"+"A faithful note of the story. ".repeat(12)+"\\n")}'`;

describe("orchestrate with agent presets and usage files", () => {
  let dir: string;
  let bin: string;
  let calls: string;
  let store: Store;
  let engine: EngineContext;
  let lines: string[];
  let savedPath: string | undefined;
  const out: Output = { log: (l) => lines.push(l), error: (l) => lines.push(l) };

  function open(model?: string): void {
    writeFiles(dir, {
      ...stories("a", ["one", "two"]),
      ".baton/workflows/notes.yaml": WORKFLOW(model),
      ".baton/roles/writer.yaml": roleYaml("Writer", 30000, 1),
    });
    const opened = openEngine(dir);
    ({ store, engine } = opened);
    onTestFinished(opened.close);
  }

  /** A stand-in for `name` on PATH: records its argv and BATON_MODEL, writes, prints the sample. */
  function standIn(name: AgentPreset): void {
    const script = path.join(bin, name);
    writeFileSync(
      script,
      `#!/bin/sh\necho "${name} $* model=$BATON_MODEL" >> ${JSON.stringify(calls)}\n${WRITE_DELIVERABLES}\ncat ${JSON.stringify(path.join(FIXTURES, `${name}.log`))}\n`,
    );
    chmodSync(script, 0o755);
  }

  // The stand-ins live outside the workspace, on PATH for the time of the test.
  test.beforeEach(({ dir: workspace, outside }) => {
    dir = workspace;
    bin = path.join(outside, "bin");
    mkdirSync(bin);
    calls = path.join(outside, "calls.log");
    appendFileSync(calls, "");
    lines = [];
    savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ""}`;
  });
  test.afterEach(() => {
    process.env.PATH = savedPath;
  });

  const run = (options: { agent?: AgentPreset; launcher?: string }) =>
    orchestrateCommand(engine, { workflow: "notes", parallel: 2, intervalS: 0.05, ...options }, out);

  const usageEvents = () => store.listEvents().filter((e) => e.kind === "usage");

  for (const preset of AGENT_PRESETS) {
    test(`--agent ${preset}: the usage its CLI printed is recorded per attempt and in the summary`, async () => {
      open();
      standIn(preset);
      const sample = parseUsage(preset, readFileSync(path.join(FIXTURES, `${preset}.log`), "utf8"));
      if (!sample.usage) throw new Error(`fixture ${preset}.log has no usage: ${sample.reason}`);
      const total = sample.usage.input_tokens + sample.usage.output_tokens;
      expect(await run({ agent: preset })).toBe(0);
      const assignments = store.listAssignments("notes-1-i01");
      expect(assignments.map((a) => [a.state, a.tokens_used])).toEqual([
        ["passed", total],
        ["passed", total],
      ]);
      expect(usageEvents().map((e) => e.data)).toEqual([
        { attempt: 1, ...sample.usage },
        { attempt: 1, ...sample.usage },
      ]);
      expect(lines.join("\n")).toMatch(new RegExp(`\\b${total * 2}\\b`));
      expect(readFileSync(calls, "utf8").split("\n").filter(Boolean)).toHaveLength(2);
      // The same usage reaches `baton report`: actual tokens, the breakdown, and the cost when printed.
      lines = [];
      expect(reportCommand(engine, { json: true }, out)).toBe(0);
      const report = JSON.parse(lines.join("\n")) as EstimatesReport;
      expect(report.assignments.map((a) => [a.actual_tokens, a.usage])).toEqual([
        [total, sample.usage],
        [total, sample.usage],
      ]);
      expect(report.roles[0]?.measured).toBe(2);
      expect(report.roles[0]?.cost_usd).toBe(
        sample.usage.cost_usd === undefined ? undefined : Math.round(sample.usage.cost_usd * 2 * 1e6) / 1e6,
      );
    });
  }

  test("--agent claude passes the workflow agent's model with --model and BATON_MODEL", async () => {
    open("sonnet");
    standIn("claude");
    expect(await run({ agent: "claude" })).toBe(0);
    const called = readFileSync(calls, "utf8").split("\n").filter(Boolean);
    expect(called).toHaveLength(2);
    for (const line of called) {
      expect(line).toMatch(/--model sonnet/);
      expect(line).toMatch(/model=sonnet$/);
    }
  });

  test("a launcher that writes BATON_USAGE_FILE gets its usage recorded", async () => {
    open();
    const launcher = `${WRITE_DELIVERABLES} && printf '{"input_tokens":1200,"output_tokens":340,"cost_usd":0.01}' > "$BATON_USAGE_FILE"`;
    expect(await run({ launcher })).toBe(0);
    expect(store.listAssignments("notes-1-i01").map((a) => a.tokens_used)).toEqual([1540, 1540]);
    expect(usageEvents().map((e) => e.data)).toEqual([
      { attempt: 1, input_tokens: 1200, output_tokens: 340, cost_usd: 0.01 },
      { attempt: 1, input_tokens: 1200, output_tokens: 340, cost_usd: 0.01 },
    ]);
  });

  test("an agent that submits itself still gets the measured usage booked, not the count it reported", async () => {
    open();
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    // As an agent with Baton's MCP server would: submit_assignment with its own (low) count.
    const submit = path.join(bin, "submit.mjs");
    const dist = (file: string) => JSON.stringify(pathToFileURL(path.join(REPO_ROOT, "dist", file)).href);
    writeFileSync(
      submit,
      `import { Workspace } from ${dist("config/workspace.js")};
import { createEngine } from ${dist("engine/engine.js")};
import { submitAssignment } from ${dist("engine/submit.js")};
import { defaultStoreFile, openStore } from ${dist("store/index.js")};
const workspace = new Workspace(process.env.BATON_WORKSPACE);
const store = openStore(defaultStoreFile(workspace.root));
await submitAssignment(createEngine({ workspace, store }), { assignment_id: process.env.BATON_ASSIGNMENT_ID, tokens_used: 999 });
store.close();
`,
    );
    const launcher = `${WRITE_DELIVERABLES} && ${JSON.stringify(process.execPath)} ${JSON.stringify(submit)} && printf '{"input_tokens":1200,"output_tokens":340}' > "$BATON_USAGE_FILE"`;
    expect(await run({ launcher })).toBe(0);
    expect(store.listAssignments("notes-1-i01").map((a) => [a.state, a.tokens_used])).toEqual([
      ["passed", 1540],
      ["passed", 1540],
    ]);
    expect(store.listEvents().filter((e) => e.kind === "submitted")).toHaveLength(2);
    expect(usageEvents().map((e) => e.data)).toEqual([
      { attempt: 1, input_tokens: 1200, output_tokens: 340 },
      { attempt: 1, input_tokens: 1200, output_tokens: 340 },
    ]);
  });

  test("a launcher that reports nothing gets no usage, and the log says how to report it", async () => {
    open();
    expect(await run({ launcher: WRITE_DELIVERABLES })).toBe(0);
    expect(store.listAssignments("notes-1-i01").map((a) => a.tokens_used)).toEqual([null, null]);
    expect(lines.join("\n")).toContain("BATON_USAGE_FILE");
    lines = [];
    expect(reportCommand(engine, {}, out)).toBe(0);
    expect(lines.join("\n")).toMatch(
      /no usage for notes-1-i01\/writer-01: the launcher reported no usage; .*BATON_USAGE_FILE/,
    );
  });

  test("--dry-run prints the exact command of each preset with the agent's model, and starts nothing", () => {
    open("sonnet");
    expect(dryRunCommand(engine, { workflow: "notes" }, out)).toBe(0);
    expect(lines).toEqual([
      "first / writer (model sonnet):",
      ...AGENT_PRESETS.map((p) => {
        const problem = modelProblem(p, "sonnet");
        return `  ${p}: ${problem ? `cannot run: ${problem}` : launchTemplate(p, "sonnet")}`;
      }),
    ]);
    expect(lines.at(-1)).toMatch(/opencode: cannot run: .*provider\/model/);
    expect(lines[1]).toContain("--model sonnet");
    expect(store.listRuns()).toEqual([]);
  });

  test("`baton report` compares each estimate with the recorded usage, per assignment, role and risk", async () => {
    open();
    const launcher = `${WRITE_DELIVERABLES} && printf '{"input_tokens":1200,"output_tokens":340}' > "$BATON_USAGE_FILE"`;
    expect(await run({ launcher })).toBe(0);
    lines = [];
    expect(reportCommand(engine, { json: true }, out)).toBe(0);
    const report = JSON.parse(lines.join("\n")) as EstimatesReport;
    expect(report.run_id).toBe("notes-1");
    expect(report.assignments).toHaveLength(2);
    const errors = report.assignments.map((a) => {
      expect(a.actual_tokens).toBe(1540);
      const expected = Math.round(((1540 - a.estimated_tokens) / a.estimated_tokens) * 1000) / 10;
      expect(a.error_pct).toBe(expected);
      return Math.abs(expected);
    });
    const mape = Math.round(((errors[0] ?? 0) + (errors[1] ?? 0)) * 5) / 10;
    expect(report.roles).toEqual([{ role: "writer", measured: 2, mape_pct: mape }]);
    expect(report.risk.reduce((n, r) => n + r.assignments, 0)).toBe(2);
    // The same report as an MCP resource, listed per run.
    const mcp = await connectInMemory(dir);
    try {
      const listed = await mcp.client.listResources();
      expect(listed.resources.map((r) => r.uri)).toContain("baton://runs/notes-1/estimates");
      const read = await mcp.client.readResource({ uri: "baton://runs/notes-1/estimates" });
      const text = (read.contents[0] as { text: string }).text;
      expect(JSON.parse(text)).toEqual({ ...report, assignments_total: 2, page: 1, pages: 1 });
    } finally {
      await mcp.close();
    }
    lines = [];
    reportCommand(engine, {}, out);
    expect(lines.join("\n")).toMatch(/notes-1-i01\/writer-01\s+writer\s+passed\s+\w+\s+\d+\s+1540/);
  });

  test("`baton report` counts usage above the role's token budget per risk label, and names an unknown run", async () => {
    open();
    // Budget 30,000 (roleYaml): 31,000 tokens is over it, whatever the estimate.
    const launcher = `${WRITE_DELIVERABLES} && printf '{"input_tokens":30000,"output_tokens":1000}' > "$BATON_USAGE_FILE"`;
    expect(await run({ launcher })).toBe(0);
    const report = estimatesReport(engine, "notes-1");
    expect(report.assignments.map((a) => [a.token_budget, a.actual_tokens])).toEqual([
      [30000, 31000],
      [30000, 31000],
    ]);
    const levels = report.risk.filter((r) => r.assignments > 0);
    expect(levels.reduce((n, r) => n + r.over_budget, 0)).toBe(2);
    expect(levels.reduce((n, r) => n + r.over_estimate, 0)).toBe(2);
    expect(() => estimatesReport(engine, "nope-9")).toThrow(
      /unknown run `nope-9`; runs in this workspace: .*notes-1/,
    );
  });
});
