import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { DEFAULT_TOKENS_PER_POINT } from "../../src/config/roles.js";
import { countTokens } from "../../src/engine/tokens.js";
import { test } from "../helpers/fixtures.js";
import { CLI, roleYaml, writeFiles } from "../helpers/temp.js";

// A scripted two-iteration run of one workflow through the MCP tools (real store, real files):
// iteration 1 gets feedback and failed checks; iteration 2's prompts, context and estimates carry
// the lessons; a person's edits of the learnings file survive re-synthesis.

const exec = promisify(execFile);

const WORKFLOW = "note-summaries";
const PATTERN = "summaries/{note_id}/summary.md";
const COMPLEXITY = 2;
const REMINDER = `summary.md must contain the heading "## Key Points": 2 of 4 missed it`;

const workflowYaml = `workflow:
  name: ${WORKFLOW}
  description: Summarize meeting notes in two batches
  max_attempts: 3
  context:
    conventions:
      - Summaries are plain Markdown
  iterations:
    - name: first-batch
      goal: Summarize the first batch of notes
      agents:
        - role: summarizer
          targets: ["notes/a/*.md"]
          deliverables: ["${PATTERN}"]
          complexity_per_target: ${COMPLEXITY}
      completion_criteria:
        - Summaries are faithful to the notes
        - { check: headings, deliverable: "${PATTERN}", headings: ["Summary", "Key Points"] }
    - name: second-batch
      goal: Summarize the second batch of notes
      dependencies: [first-batch]
      agents:
        - role: summarizer
          targets: ["notes/b/*.md"]
          deliverables: ["${PATTERN}"]
          complexity_per_target: ${COMPLEXITY}
      completion_criteria:
        - { check: headings, deliverable: "${PATTERN}", headings: ["Summary", "Key Points"] }
`;

const note = (id: string) =>
  `# Meeting ${id}\n\nWe discussed the billing migration for ${id}, decided to ship on Friday and to keep the old export for a month.\n`;

const padding =
  "The meeting agreed on the plan for the billing migration, named an owner for every open point, " +
  "recorded the risks of shipping on a Friday and set the next review for the following week.";

function summary(id: string, keyPoints: boolean): string {
  const parts = [`# Summary of ${id}`, "", "## Summary", "", padding, ""];
  if (keyPoints) parts.push("## Key Points", "", "- Ship on Friday", "- Keep the old export for a month", "");
  else parts.push("## Discussion", "", "- Billing migration", "");
  return parts.join("\n");
}

interface Generated {
  iteration_id: string;
  path: string;
  assignments: {
    id: string;
    local_id: string;
    targets: string[];
    deliverables: string[];
    estimate: { prompt_tokens: number; input_tokens: number; output_tokens: number };
    prompt_path: string;
  }[];
}

interface LearningOut {
  id: string;
  kind: string;
  enabled: boolean;
  text: string;
  action?: Record<string, unknown>;
  evidence: { source: string; count: number; of: number; assignments: string[] };
}

let dir: string;
let client: Client;

async function call<T = Record<string, unknown>>(name: string, args: Record<string, unknown>): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(result.isError ?? false, JSON.stringify(result.content)).toBe(false);
  return result.structuredContent as T;
}

async function read(uri: string): Promise<string> {
  const { contents } = await client.readResource({ uri });
  return String((contents[0] as { text?: string }).text);
}

const file = (rel: string) => readFileSync(path.join(dir, rel), "utf8");
const learningsPath = () => path.join(dir, ".baton", "learnings", `${WORKFLOW}.yaml`);
const learningsOnDisk = () =>
  (parseYaml(readFileSync(learningsPath(), "utf8")) as { learnings: LearningOut[] }).learnings;
const feedback = (args: Record<string, unknown>) =>
  call<{ feedback_id: number; learnings: LearningOut[]; new_learnings: string[] }>("record_feedback", args);

// One workspace and server for the file: the tests are the steps of one run.
test.override({
  shared: {
    files: {
      ".baton/roles/summarizer.yaml": roleYaml("summarizer", 30000, 2),
      [`.baton/workflows/${WORKFLOW}.yaml`]: workflowYaml,
      "docs/style.md": "# House style\n\nWrite short sentences.\n",
      ...Object.fromEntries(["N1", "N2", "N3", "N4"].map((id) => [`notes/a/${id}.md`, note(id)])),
      ...Object.fromEntries(["N5", "N6", "N7", "N8"].map((id) => [`notes/b/${id}.md`, note(id)])),
    },
  },
});

test.beforeAll(({ sharedDir, sharedMcp }) => {
  dir = sharedDir;
  client = sharedMcp;
});

describe("feedback loop over two iterations", () => {
  let runId: string;
  let first: Generated;
  let second: Generated;
  let reminderId: string;
  let referenceId: string;

  test("iteration 1 starts with no lessons", async () => {
    const created = await call<{ run_id: string; iteration_id: string }>("create_iteration", {
      workflow: WORKFLOW,
    });
    runId = created.run_id;
    first = await call<Generated>("generate_prompts", { iteration_id: created.iteration_id });
    expect(first.assignments.map((a) => a.targets.length)).toEqual([2, 2]);
    for (const a of first.assignments)
      expect(a.estimate.output_tokens).toBe(a.targets.length * COMPLEXITY * DEFAULT_TOKENS_PER_POINT);
    expect(file(`${first.path}/CONTEXT.md`)).not.toContain("Lessons from earlier iterations");
    const manifest = JSON.parse(file(`${first.path}/manifest.json`));
    expect(manifest.learnings_applied).toEqual([]);
    expect(existsSync(learningsPath())).toBe(false);
  });

  test("one missed heading is not a pattern; a second file missing it makes a reminder", async () => {
    const files = first.assignments.flatMap((a) => a.deliverables).sort();
    expect(files).toHaveLength(4);
    const [a, b, c, d] = files as [string, string, string, string];
    const id = (f: string) => path.basename(path.dirname(f));
    writeFiles(dir, {
      [a]: summary(id(a), false),
      [b]: summary(id(b), true),
      [c]: summary(id(c), true),
      [d]: summary(id(d), true),
    });
    const once = await call<{ passed: boolean; failures: { check: string }[] }>("validate_iteration", {
      iteration_id: first.iteration_id,
    });
    expect(once.passed).toBe(false);
    expect(once.failures.map((f) => f.check)).toEqual(["headings"]);
    expect(learningsOnDisk()).toEqual([]);

    // The other assignment's file misses it too: 2 of 4 distinct files.
    const other = first.assignments.find((x) => !x.deliverables.includes(a))?.deliverables[0] as string;
    writeFiles(dir, { [other]: summary(id(other), false) });
    const twice = await call<{ passed: boolean; failures: unknown[] }>("validate_iteration", {
      iteration_id: first.iteration_id,
    });
    expect(twice.failures).toHaveLength(2);
    expect(learningsOnDisk()).toHaveLength(1);
    const reminder = learningsOnDisk()[0];
    reminderId = reminder?.id as string;
    expect(reminder).toMatchObject({ kind: "reminder", enabled: true, role: "summarizer" });
    expect(reminder?.text).toContain(REMINDER);
    expect(reminder?.evidence).toMatchObject({ source: "validation", count: 2, of: 4 });
    expect(reminder?.evidence.assignments.sort()).toEqual(first.assignments.map((x) => x.id).sort());
  });

  test("one complaint is not a pattern; two assignments naming a file add a reference", async () => {
    const [one, two] = first.assignments as [Generated["assignments"][0], Generated["assignments"][0]];
    const scope = await feedback({
      iteration_id: first.iteration_id,
      assignment_id: one.id,
      category: "scope_confusion",
      message: "unsure whether to also edit the notes",
    });
    const single = await feedback({
      iteration_id: first.iteration_id,
      assignment_id: one.id,
      category: "missing_context",
      message: "needed docs/style.md to know the tone",
    });
    // The same assignment complaining twice is still one source.
    const again = await feedback({
      iteration_id: first.iteration_id,
      assignment_id: one.id,
      category: "missing_context",
      severity: "high",
      message: "docs/style.md again",
    });
    for (const r of [scope, single, again]) {
      expect(r.new_learnings).toEqual([]);
      expect(r.learnings.map((l) => l.id)).toEqual([reminderId]);
    }
    const pattern = await feedback({
      iteration_id: first.iteration_id,
      assignment_id: two.local_id,
      category: "missing_context",
      message: "the tone rules in `docs/style.md` were not in my context; also wanted docs/missing.md",
    });
    expect(pattern.new_learnings).toHaveLength(1);
    referenceId = pattern.new_learnings[0] as string;
    const reference = pattern.learnings.find((l) => l.id === referenceId);
    expect(reference).toMatchObject({
      kind: "add_reference",
      enabled: true,
      action: { reference: "docs/style.md" },
      evidence: { source: "feedback", count: 2 },
    });
    expect(reference?.evidence.assignments).toEqual([one.id, two.id].sort());
    // A file that does not exist is not added as a reference.
    expect(JSON.stringify(pattern.learnings)).not.toContain("docs/missing.md");
  });

  test("token_budget from two assignments and usage far above estimates recalibrate the role", async () => {
    const one = await feedback({
      iteration_id: first.iteration_id,
      assignment_id: first.assignments[0]?.id,
      category: "token_budget",
      message: "ran out of budget halfway through the second note",
      tokens_used: usedTokens(first.assignments[0]),
    });
    // One assignment's usage and one complaint: nothing yet.
    expect(one.new_learnings).toEqual([]);
    const two = await feedback({
      iteration_id: first.iteration_id,
      assignment_id: first.assignments[1]?.id,
      category: "token_budget",
      message: "the budget was too small for two notes",
      tokens_used: usedTokens(first.assignments[1]),
    });
    expect(two.new_learnings.sort()).toEqual([
      "allocation-summarizer-token-budget",
      "calibrate-summarizer-tokens-per-point",
    ]);
    const calibrate = two.learnings.find((l) => l.id === "calibrate-summarizer-tokens-per-point");
    expect(calibrate).toMatchObject({
      kind: "calibrate_tokens",
      action: { tokens_per_point: DEFAULT_TOKENS_PER_POINT * 3 },
      evidence: { source: "tokens", count: 2, of: 2 },
    });
    const allocation = two.learnings.find((l) => l.id === "allocation-summarizer-token-budget");
    expect(allocation).toMatchObject({ kind: "lower_allocation", action: { complexity_threshold: 1 } });
  });

  test("FEEDBACK.md and the resources show the feedback and learnings", async () => {
    const report = file(`${first.path}/FEEDBACK.md`);
    expect(report).toContain("needed docs/style.md to know the tone");
    expect(report).toContain(REMINDER);
    const viaResource = await read(`baton://iterations/${first.iteration_id}/feedback`);
    expect(viaResource).toBe(report);
    const learnings = await read(`baton://learnings/${WORKFLOW}`);
    expect(learnings).toBe(readFileSync(learningsPath(), "utf8"));
    for (const id of [reminderId, referenceId, "calibrate-summarizer-tokens-per-point"])
      expect(learnings).toContain(`id: ${id}`);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain(`baton://learnings/${WORKFLOW}`);
  });

  test("iteration 2 carries the lessons: context, prompts, estimates, allocation and manifest", async () => {
    for (const f of first.assignments.flatMap((a) => a.deliverables))
      writeFiles(dir, { [f]: summary(path.basename(path.dirname(f)), true) });
    const passed = await call<{ passed: boolean }>("validate_iteration", {
      iteration_id: first.iteration_id,
    });
    expect(passed.passed).toBe(true);

    const created = await call<{ iteration_id: string; iteration: string }>("create_iteration", {
      run_id: runId,
    });
    expect(created.iteration).toBe("second-batch");
    second = await call<Generated>("generate_prompts", { iteration_id: created.iteration_id });

    const context = file(`${second.path}/CONTEXT.md`);
    const lessons = context.slice(context.indexOf("## Lessons from earlier iterations"));
    expect(lessons).toContain(REMINDER);
    expect(lessons).toContain("docs/style.md");
    const references = context.slice(context.indexOf("## References"), context.indexOf("## Standards"));
    expect(references).toContain("- `docs/style.md`");

    // lower_allocation: one target per agent; calibrate_tokens: 3 × the output estimate per point.
    expect(second.assignments.map((a) => a.targets.length)).toEqual([1, 1, 1, 1]);
    const perTarget = (g: Generated) => g.assignments.map((a) => a.estimate.output_tokens / a.targets.length);
    expect(new Set(perTarget(first))).toEqual(new Set([COMPLEXITY * DEFAULT_TOKENS_PER_POINT]));
    expect(new Set(perTarget(second))).toEqual(new Set([COMPLEXITY * DEFAULT_TOKENS_PER_POINT * 3]));

    for (const a of second.assignments) {
      const prompt = file(a.prompt_path);
      expect(prompt).toContain("Lessons from earlier iterations");
      expect(prompt).toContain(REMINDER);
      expect(prompt).toContain("docs/style.md");
      expect(await read(`baton://iterations/${second.iteration_id}/prompts/${a.local_id}`)).toBe(prompt);
    }

    const manifest = JSON.parse(file(`${second.path}/manifest.json`)) as {
      learnings_applied: { id: string; kind: string; text: string; action: unknown }[];
    };
    expect(manifest.learnings_applied.map((l) => l.id).sort()).toEqual(
      [
        reminderId,
        referenceId,
        "calibrate-summarizer-tokens-per-point",
        "allocation-summarizer-token-budget",
      ].sort(),
    );
    expect(
      manifest.learnings_applied.find((l) => l.id === "calibrate-summarizer-tokens-per-point"),
    ).toMatchObject({
      kind: "calibrate_tokens",
      action: { tokens_per_point: DEFAULT_TOKENS_PER_POINT * 3 },
    });
    // The one-off scope complaint never reached a prompt.
    expect(JSON.stringify(manifest.learnings_applied)).not.toContain("scope");
  });

  test("a person's edits survive re-synthesis: disabled stays disabled, edited text is kept", async () => {
    const edited = "Take the tone from `docs/style.md` (short sentences) before writing anything.";
    const original = readFileSync(learningsPath(), "utf8");
    // Disabling is a one-line change.
    const disabled = original.replace(
      new RegExp(`(- id: ${reminderId}\\n\\s+enabled: )true`),
      (_, head: string) => `${head}false`,
    );
    expect(disabled).not.toBe(original);
    const referenceText = learningsOnDisk().find((l) => l.id === referenceId)?.text as string;
    writeFileSync(learningsPath(), disabled.replace(referenceText, edited));

    // A third source for the reference refreshes its evidence; re-synthesis keeps both edits.
    const third = await feedback({
      iteration_id: second.iteration_id,
      assignment_id: second.assignments[0]?.id,
      category: "missing_context",
      message: "docs/style.md would have helped",
    });
    expect(third.new_learnings).toEqual([]);
    const after = learningsOnDisk();
    expect(after.find((l) => l.id === reminderId)).toMatchObject({ enabled: false });
    expect(after.find((l) => l.id === referenceId)).toMatchObject({
      enabled: true,
      text: edited,
      evidence: { count: 3 },
    });
    // Re-validating (which synthesizes again) does not undo them either.
    await call("validate_iteration", { iteration_id: first.iteration_id });
    expect(learningsOnDisk().find((l) => l.id === reminderId)?.enabled).toBe(false);
    expect(learningsOnDisk().find((l) => l.id === referenceId)?.text).toBe(edited);

    second = await call<Generated>("generate_prompts", { iteration_id: second.iteration_id });
    const prompt = file(second.assignments[0]?.prompt_path as string);
    const start = prompt.indexOf("### Lessons from earlier iterations");
    const promptLessons = prompt.slice(start, prompt.indexOf("\n## ", start));
    expect(promptLessons).toContain(edited);
    expect(promptLessons).not.toContain("Key Points");
    expect(prompt).not.toContain(REMINDER);
    expect(file(`${second.path}/CONTEXT.md`)).not.toContain(REMINDER);
    const manifest = JSON.parse(file(`${second.path}/manifest.json`)) as {
      learnings_applied: { id: string; text: string }[];
    };
    expect(manifest.learnings_applied.map((l) => l.id)).not.toContain(reminderId);
    expect(manifest.learnings_applied.find((l) => l.id === referenceId)?.text).toBe(edited);
  });

  test("a second run of the workflow starts with the lessons of the first", async () => {
    const created = await call<{ run_id: string; iteration: string; iteration_id: string }>(
      "create_iteration",
      { workflow: WORKFLOW },
    );
    expect(created.run_id).not.toBe(runId);
    expect(created.iteration).toBe("first-batch");
    const again = await call<Generated>("generate_prompts", { iteration_id: created.iteration_id });
    const manifest = JSON.parse(file(`${again.path}/manifest.json`)) as {
      learnings_applied: { id: string }[];
      assignments: { deliverables: string[]; output_source: { source: string } }[];
    };
    // The same iteration has passed before: output comes from what its agents wrote (#16.2),
    // which takes precedence over the calibrated tokens per point.
    for (const [i, a] of manifest.assignments.entries()) {
      expect(a.output_source.source).toBe("history");
      let wrote = 0;
      for (const d of a.deliverables) wrote += await countTokens(file(d));
      expect(again.assignments[i]?.estimate.output_tokens).toBe(wrote);
    }
    expect(manifest.learnings_applied.map((l) => l.id).sort()).toEqual(
      ["allocation-summarizer-token-budget", "calibrate-summarizer-tokens-per-point", referenceId].sort(),
    );
  });

  test("`baton feedback <iteration>` prints the synthesis", async () => {
    const { stdout } = await exec(process.execPath, [CLI, "-w", dir, "feedback", first.iteration_id]);
    expect(stdout).toContain(`learning(s) for workflow ${WORKFLOW} (.baton/learnings/${WORKFLOW}.yaml)`);
    const lines = stdout.split("\n");
    const reminderLine = lines.findIndex((l) => l.includes(REMINDER));
    expect(lines[reminderLine]).toMatch(/^- \[reminder summarizer\]/);
    expect(lines[reminderLine + 1]).toContain("evidence: validation, 2 of 4 (disabled)");
    expect(stdout).toContain("Take the tone from `docs/style.md`");
    expect(stdout).toMatch(/\[calibrate_tokens summarizer\] .*500 → 1500/);
    expect(stdout).toContain(`report: ${first.path}/FEEDBACK.md`);
  });
});

/** Tokens an agent reports: its prompt and inputs, and three times the output Baton estimated. */
function usedTokens(a: Generated["assignments"][0] | undefined): number {
  if (!a) throw new Error("no assignment");
  return a.estimate.prompt_tokens + a.estimate.input_tokens + 3 * a.estimate.output_tokens;
}
