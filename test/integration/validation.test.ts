import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect } from "vitest";
import type { ValidationReport as Report } from "../../src/engine/validation-report.js";
import type { Store } from "../../src/store/api.js";
import { markdownDoc, runCli } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { startIteration } from "../helpers/items.js";
import { callError, callOk } from "../helpers/mcp.js";
import { CLI, writeFiles } from "../helpers/temp.js";

// validate_iteration through an in-memory MCP client on a real workspace and database: reasons,
// needs-review, rework prompts, bounded attempts, VALIDATION.md, gates; then `baton validate` spawned.

const WORKFLOW = `workflow:
  name: checked-docs
  description: One doc and one JSON summary per item, with a check of each common kind
  max_attempts: 2
  iterations:
    - name: write-docs
      goal: Write one doc per item
      agents:
        - role: developer
          targets: ["items/*.md"]
          deliverables: ["docs/{item_id}.md", "docs/{item_id}.json"]
          complexity_per_target: 1
      completion_criteria:
        - A person confirms every doc is accurate
        - The tone suits the audience
        - A maintainer signs off on the summaries
        - { check: min_bytes, deliverable: "docs/{item_id}.md", bytes: 400 }
        - { check: max_bytes, deliverable: "docs/{item_id}.md", bytes: 4000 }
        - { check: headings, deliverable: "docs/{item_id}.md", headings: ["Summary", "Details"] }
        - { check: contains, deliverable: "docs/{item_id}.md", pattern: "Owner:" }
        - { check: not_contains, deliverable: "docs/{item_id}.md", pattern: "TODO" }
        - { check: regex, deliverable: "docs/{item_id}.md", pattern: "\\\\bREQ-\\\\d+" }
        - { check: min_bytes, deliverable: "docs/{item_id}.json", bytes: 10 }
        - check: json_schema
          deliverable: "docs/{item_id}.json"
          schema:
            type: object
            required: [id, points]
            properties:
              id: { type: string }
              points: { type: integer }
    - name: review-docs
      goal: Review the docs
      dependencies: [write-docs]
      agents:
        - role: qa_lead
          deliverables: ["docs/review.md"]
agent_roles:
  developer: { complexity_threshold: 1 }
`;

const HUMAN = [
  "A person confirms every doc is accurate",
  "The tone suits the audience",
  "A maintainer signs off on the summaries",
];

function goodDoc(name: string): string {
  return markdownDoc(
    name,
    { Summary: `Owner: team-${name}. Implements REQ-1.`, Details: "Everything an agent would write." },
    600,
  );
}
const goodJson = (id: string) => `${JSON.stringify({ id, points: 3 }, null, 2)}\n`;

// beta.md fails min_bytes, headings, contains, not_contains and regex; beta.json fails its schema.
const BETA_DOC = "# Beta\n\n## Summary\n\nTODO write this\n";
const BETA_JSON = '{"id": "beta", "points": "five"}\n';
// gamma.md is too large; gamma.json is not JSON at all.
const GAMMA_JSON = '{"id": "gamma",\n  "points": }\n';

interface Generated {
  assignments: {
    id: string;
    local_id: string;
    targets: string[];
    deliverables: string[];
    prompt_path: string;
  }[];
}

// One workspace and store for the file; the tests of each block follow one iteration.
test.override({
  shared: {
    files: {
      ".baton/workflows/checked-docs.yaml": WORKFLOW,
      "items/alpha.md": "# Alpha\n",
      "items/beta.md": "# Beta\n",
      "items/gamma.md": "# Gamma\n",
    },
  },
});

describe("validate_iteration", () => {
  let dir: string;
  let store: Store;
  let client: Client;
  let runId: string;
  let iterationId: string;
  let folder: string;
  let byItem: Map<string, Generated["assignments"][number]>;
  let first: Report;

  test.beforeAll(async ({ sharedDir, sharedBaton, sharedMcp }) => {
    dir = sharedDir;
    store = sharedBaton.store;
    client = sharedMcp;
    const created = await callOk<{ run_id: string; iteration_id: string; path: string }>(
      client,
      "create_iteration",
      { workflow: "checked-docs" },
    );
    runId = created.run_id;
    iterationId = created.iteration_id;
    folder = created.path;
    const generated = await callOk<Generated>(client, "generate_prompts", { iteration_id: iterationId });
    byItem = new Map(
      generated.assignments.map((a) => [path.basename(a.targets[0] ?? "", ".md"), a] as const),
    );
    expect([...byItem.keys()].sort()).toEqual(["alpha", "beta", "gamma"]);
    writeFiles(dir, {
      "docs/alpha.md": goodDoc("alpha"),
      "docs/alpha.json": goodJson("alpha"),
      "docs/beta.md": BETA_DOC,
      "docs/beta.json": BETA_JSON,
      "docs/gamma.md": goodDoc("gamma").padEnd(4500, "\n"),
      "docs/gamma.json": GAMMA_JSON,
    });
    first = await callOk<Report>(client, "validate_iteration", { iteration_id: iterationId });
  });

  const idOf = (item: string) => byItem.get(item)?.id as string;
  const failuresOf = (report: Report, item: string) =>
    report.failures
      .filter((f) => f.assignment_id === idOf(item))
      .map(({ check, deliverable, reason }) => ({
        check,
        deliverable,
        reason,
      }));

  test("reports every failing check with its exact reason", () => {
    expect(first.passed).toBe(false);
    expect(failuresOf(first, "alpha")).toEqual([]);
    // Size checks count content: the final newline is not.
    const betaSize = Buffer.byteLength(BETA_DOC.trim());
    expect(failuresOf(first, "beta")).toEqual(
      expect.arrayContaining([
        {
          check: "min_bytes",
          deliverable: "docs/beta.md",
          reason: `docs/beta.md: ${betaSize} bytes, needs >= 400`,
        },
        {
          check: "headings",
          deliverable: "docs/beta.md",
          reason: 'docs/beta.md: missing heading "Details" (found: "Beta", "Summary")',
        },
        { check: "contains", deliverable: "docs/beta.md", reason: 'docs/beta.md: does not contain "Owner:"' },
        {
          check: "not_contains",
          deliverable: "docs/beta.md",
          reason: 'docs/beta.md: contains "TODO" at line 5, which is not allowed',
        },
        { check: "regex", deliverable: "docs/beta.md", reason: "docs/beta.md: no match for /\\bREQ-\\d+/" },
      ]),
    );
    const schema = failuresOf(first, "beta").find((f) => f.check === "json_schema");
    expect(schema?.reason).toMatch(/^docs\/beta\.json: does not match the inline schema: .*points/);
    expect(failuresOf(first, "beta")).toHaveLength(6);

    expect(failuresOf(first, "gamma")).toEqual([
      {
        check: "max_bytes",
        deliverable: "docs/gamma.md",
        reason: "docs/gamma.md: 4500 bytes, needs <= 4000",
      },
      {
        check: "implicit:format",
        deliverable: "docs/gamma.json",
        reason: 'docs/gamma.json: invalid JSON at 2:13: Unexpected token "}"',
      },
      {
        check: "json_schema",
        deliverable: "docs/gamma.json",
        reason: 'docs/gamma.json: invalid JSON at 2:13: Unexpected token "}"',
      },
    ]);
    expect(first.counts.failed).toBe(first.failures.length);
    expect(first.failures).toHaveLength(9);
  });

  test("counts the human criteria as needs review, never as passed", () => {
    expect(first.counts.needs_review).toBe(HUMAN.length);
    expect(first.needs_review).toEqual(HUMAN);
    // Passed counts only machine checks: alpha's 2 files each get exists + format, plus its explicit checks.
    expect(first.counts.passed).toBeGreaterThan(0);
    expect(first.failures.some((f) => HUMAN.includes(f.reason))).toBe(false);
  });

  test("writes a rework prompt per failing assignment naming every failed check", () => {
    expect(first.rework.map((r) => r.assignment_id).sort()).toEqual([idOf("beta"), idOf("gamma")].sort());
    const beta = first.rework.find((r) => r.assignment_id === idOf("beta"));
    const local = byItem.get("beta")?.local_id as string;
    expect(beta).toMatchObject({
      attempt: 1,
      max_attempts: 2,
      prompt_path: `${folder}/agent-prompts/${local}-rework-1.md`,
      prompt_uri: `baton://iterations/${iterationId}/prompts/${local}-rework-1`,
    });
    const text = readFileSync(path.join(dir, beta?.prompt_path as string), "utf8");
    for (const f of first.failures.filter((x) => x.assignment_id === idOf("beta"))) {
      expect(text).toContain(`**${f.check}**: ${f.reason}`);
    }
    expect(text).not.toContain("gamma.json");
    // The original assignment follows, so the agent has the whole task in one prompt.
    expect(text).toContain(readFileSync(path.join(dir, byItem.get("beta")?.prompt_path as string), "utf8"));
    // No rework for the passing assignment; it is passed.
    const alphaLocal = byItem.get("alpha")?.local_id as string;
    expect(existsSync(path.join(dir, folder, "agent-prompts", `${alphaLocal}-rework-1.md`))).toBe(false);
    expect(store.getAssignment(idOf("alpha"))?.state).toBe("passed");
    expect(store.getAssignment(idOf("beta"))).toMatchObject({ state: "pending", attempts: 1 });
  });

  test("serves VALIDATION.md as baton://iterations/{id}/validation", async () => {
    const file = readFileSync(path.join(dir, folder, "VALIDATION.md"), "utf8");
    const { contents } = await client.readResource({ uri: `baton://iterations/${iterationId}/validation` });
    expect((contents[0] as { text: string }).text).toBe(file);
    expect(file).toContain("FAILED");
    expect(file).toContain('docs/beta.md: does not contain "Owner:"');
    expect(file).toContain("docs/gamma.md: 4500 bytes, needs <= 4000");
    for (const h of HUMAN) expect(file).toContain(h);
  });

  test("refuses to create the dependent iteration and names the unmet dependency", async () => {
    const next = await callError(client, "create_iteration", { run_id: runId });
    expect(next).toContain("`review-docs` waits for `write-docs` (failed)");
    const named = await callError(client, "create_iteration", { run_id: runId, iteration: "review-docs" });
    expect(named).toContain("waits for dependencies that have not passed validation: `write-docs` (failed)");
    expect(named).toContain("force: true");
    expect(store.listIterations(runId).map((it) => it.name)).toEqual(["write-docs"]);
  });

  test("bounds attempts: after max_attempts reworks the assignment is failed", async () => {
    const second = await callOk<Report>(client, "validate_iteration", { iteration_id: iterationId });
    const local = byItem.get("beta")?.local_id as string;
    expect(second.rework.find((r) => r.assignment_id === idOf("beta"))).toMatchObject({
      attempt: 2,
      prompt_path: `${folder}/agent-prompts/${local}-rework-2.md`,
    });
    expect(second.failed_assignments).toEqual([]);
    expect(readFileSync(path.join(dir, folder, "agent-prompts", `${local}-rework-2.md`), "utf8")).toContain(
      "This is the last attempt",
    );

    const third = await callOk<Report & { next: string }>(client, "validate_iteration", {
      iteration_id: iterationId,
    });
    expect(third.rework).toEqual([]);
    expect(third.failed_assignments.sort()).toEqual([idOf("beta"), idOf("gamma")].sort());
    expect(third.next).toContain("Out of attempts");
    expect(store.getAssignment(idOf("beta"))).toMatchObject({ state: "failed", attempts: 3 });
    const failedEvents = store.listEvents({}).filter((e) => e.kind === "assignment_failed");
    expect(failedEvents.map((e) => e.assignment_id).sort()).toEqual([idOf("beta"), idOf("gamma")].sort());

    // Further validations report the failure but write no more rework prompts.
    const fourth = await callOk<Report>(client, "validate_iteration", { iteration_id: iterationId });
    expect(fourth.failed_assignments.sort()).toEqual([idOf("beta"), idOf("gamma")].sort());
    const prompts = readdirSync(path.join(dir, folder, "agent-prompts")).filter((f) => f.startsWith(local));
    expect(prompts.sort()).toEqual([`${local}-rework-1.md`, `${local}-rework-2.md`, `${local}.md`]);
  });

  test("force: true creates a gated iteration and records gate_forced in the event log", async () => {
    const run2 = await callOk<{ run_id: string; iteration_id: string }>(client, "create_iteration", {
      workflow: "checked-docs",
    });
    await callOk(client, "generate_prompts", { iteration_id: run2.iteration_id });
    const report = await callOk<Report>(client, "validate_iteration", { iteration_id: run2.iteration_id });
    expect(report.passed).toBe(false);
    const refused = await callError(client, "create_iteration", {
      run_id: run2.run_id,
      iteration: "review-docs",
    });
    expect(refused).toContain("`write-docs` (failed)");
    expect(store.listEvents({ run_id: run2.run_id }).some((e) => e.kind === "gate_forced")).toBe(false);

    const forced = await callOk<{ iteration: string; iteration_id: string; forced: boolean }>(
      client,
      "create_iteration",
      { run_id: run2.run_id, iteration: "review-docs", force: true },
    );
    expect(forced).toMatchObject({ iteration: "review-docs", forced: true });
    const events = store.listEvents({ run_id: run2.run_id }).filter((e) => e.kind === "gate_forced");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      iteration_id: forced.iteration_id,
      data: { unmet: [{ iteration: "write-docs", state: "failed" }] },
    });
    expect(store.getIteration(forced.iteration_id)?.forced).toBe(true);
  });

  test("opens the gate once the dependency passes validation", async () => {
    writeFiles(dir, {
      "docs/beta.md": goodDoc("beta"),
      "docs/beta.json": goodJson("beta"),
      "docs/gamma.md": goodDoc("gamma"),
      "docs/gamma.json": goodJson("gamma"),
    });
    const report = await callOk<Report>(client, "validate_iteration", { iteration_id: iterationId });
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.failed_assignments).toEqual([]);
    expect(store.getIteration(iterationId)?.state).toBe("passed");
    expect(readFileSync(path.join(dir, folder, "VALIDATION.md"), "utf8")).toContain("PASSED");

    const next = await callOk<{ iteration: string; forced: boolean }>(client, "create_iteration", {
      run_id: runId,
    });
    expect(next).toMatchObject({ iteration: "review-docs", forced: false });
    expect(store.listEvents({ run_id: runId }).some((e) => e.kind === "gate_forced")).toBe(false);
  });
});

describe("baton validate (CLI)", () => {
  const COMMAND_WORKFLOW = `workflow:
  name: notes-with-command
  description: One notes file and an operator-gated command check
  iterations:
    - name: notes
      goal: Write the notes
      agents:
        - role: tech_writer
          deliverables: ["out/notes.md"]
      completion_criteria:
        - { check: command, run: "echo ran > marker.txt && test -f approved.txt", timeout_s: 30 }
`;
  const COMMAND = "`echo ran > marker.txt && test -f approved.txt`";
  let dir: string;
  let iterationId: string;

  test.beforeAll(async ({ sharedDir, sharedBaton }) => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    dir = sharedDir;
    writeFiles(dir, { ".baton/workflows/notes-with-command.yaml": COMMAND_WORKFLOW });
    ({ iterationId } = await startIteration(sharedBaton.engine, "notes-with-command"));
  });

  const validate = async (...extra: string[]) => {
    const result = await runCli(["-w", dir, "validate", iterationId, "--json", ...extra], dir);
    return { ...result, report: JSON.parse(result.stdout) as Report };
  };

  test("exits 1 when a check fails and skips commands without --allow-commands", async () => {
    const { code, report } = await validate();
    expect(code).toBe(1);
    expect(report.passed).toBe(false);
    // Nobody claimed it or wrote its file: reported not started, its attempts kept (#12 item 2).
    expect(report.failures.map((f) => f.check)).toEqual(["not_started"]);
    expect(report.assignments).toEqual([expect.objectContaining({ not_started: true, attempts: 0 })]);
    expect(report.skipped).toEqual([
      {
        check: "command",
        reason: `${COMMAND} not run: commands are disabled; the operator enables them with --allow-commands or BATON_ALLOW_COMMANDS=1`,
      },
    ]);
    expect(existsSync(path.join(dir, "marker.txt"))).toBe(false);
  });

  test("exits 1 while a check is skipped, though nothing failed", async () => {
    writeFiles(dir, { "out/notes.md": markdownDoc("Notes", { Notes: "Written." }, 300) });
    const { code, report } = await validate();
    expect(code).toBe(1);
    expect(report.passed).toBe(true);
    expect(report.counts.skipped).toBe(1);
    expect(existsSync(path.join(dir, "marker.txt"))).toBe(false);
  });

  test("runs the command check with --allow-commands and fails on its exit code", async () => {
    const { code, report } = await validate("--allow-commands");
    expect(existsSync(path.join(dir, "marker.txt"))).toBe(true);
    expect(code).toBe(1);
    expect(report.skipped).toEqual([]);
    expect(report.failures).toEqual([
      {
        assignment_id: null,
        deliverable: null,
        check: "command",
        reason: `${COMMAND} exited with code 1; no output`,
      },
    ]);
  });

  test("passes the command check with --allow-commands once the command exits 0", async () => {
    writeFiles(dir, { "approved.txt": "yes\n" });
    const { code, report } = await validate("--allow-commands");
    expect(code).toBe(0);
    expect(report.passed).toBe(true);
    expect(report.skipped).toEqual([]);
    expect(report.counts.failed).toBe(0);
    expect(readFileSync(path.join(dir, "marker.txt"), "utf8")).toBe("ran\n");
  });

  test("prints a readable table without --json, with the same exit code", async () => {
    const result = await runCli(["-w", dir, "validate", iterationId], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("1 check(s) did not run");
    expect(result.stdout).toMatch(new RegExp(`^PASSED ${iterationId}: `));
    expect(result.stdout).toContain(`skipped [command] ${COMMAND} not run`);
  });
});
