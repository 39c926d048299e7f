import { readFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect } from "vitest";
import { runCli, textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { gatedWorkflow } from "../helpers/items.js";
import { callError, callOk } from "../helpers/mcp.js";
import { roleLibrary, writeFiles } from "../helpers/temp.js";

// Approval gates over the built server: an iteration whose workflow says `approval: required`
// holds its dependents after its machine checks pass, until a person approves it; a rejection
// sends its work back with the reviewer's notes.

test.override({ shared: { files: { ...roleLibrary(), ".baton/workflows/gated.yaml": gatedWorkflow() } } });

describe("approval gates over stdio", () => {
  let dir: string;
  let client: Client;

  // One server for the block.
  test.beforeAll(({ sharedDir, sharedStdio }) => {
    dir = sharedDir;
    client = sharedStdio.client;
  });

  test("holds the dependent until a person approves; a rejection reworks with the notes", async () => {
    const { run_id, iteration_id } = await callOk<{ run_id: string; iteration_id: string }>(
      client,
      "create_iteration",
      { workflow: "gated" },
    );
    await callOk(client, "generate_prompts", { iteration_id });
    writeFiles(dir, { "docs/draft.md": textOfSize(400) });

    const first = await callOk<{ passed: boolean; awaiting_approval: boolean; next: string }>(
      client,
      "validate_iteration",
      { iteration_id },
    );
    expect(first).toMatchObject({ passed: true, awaiting_approval: true });
    expect(first.next).toContain("review_iteration");

    const refused = await callError(client, "create_iteration", { run_id });
    expect(refused).toContain(`\`${iteration_id}\` passed its checks and awaits a person's approval`);

    const rejected = await callOk<{ state: string; rework: { assignment_id: string; prompt_uri: string }[] }>(
      client,
      "review_iteration",
      {
        iteration_id,
        decision: "reject",
        reviewer: "Ana",
        notes: "Cite the sources of every figure.",
        criteria: [{ criterion: "The draft reads well to a person", ok: false, note: "too terse" }],
      },
    );
    expect(rejected.state).toBe("generated");
    expect(rejected.rework).toHaveLength(1);
    const prompt = await client.readResource({ uri: rejected.rework[0]?.prompt_uri as string });
    const text = String((prompt.contents[0] as { text?: string }).text);
    expect(text).toContain("> Cite the sources of every figure.");
    expect(text).toContain("- The draft reads well to a person: too terse");
    const status = await callOk<{ runs: { iterations: { id: string; state: string }[] }[] }>(
      client,
      "get_status",
      { run_id },
    );
    expect(status.runs[0]?.iterations[0]?.state).toBe("generated");

    // The agent fixes the draft; validation passes again and waits for the person again.
    writeFiles(dir, { "docs/draft.md": textOfSize(600, "Draft with sources") });
    const second = await callOk<{ awaiting_approval: boolean }>(client, "validate_iteration", {
      iteration_id,
    });
    expect(second.awaiting_approval).toBe(true);

    // Approved from the terminal, while the server runs.
    const cli = await runCli(["-w", dir, "review", iteration_id, "--approve", "--reviewer", "Bo"], dir);
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`APPROVED ${iteration_id} by Bo`);

    const report = readFileSync(path.join(dir, "iterations", run_id, "01-draft", "VALIDATION.md"), "utf8");
    expect(report).toMatch(/### Rejected by Ana at \d{4}-/);
    expect(report).toContain("> Cite the sources of every figure.");
    expect(report).toMatch(/### Approved by Bo at \d{4}-/);

    const next = await callOk<{ iteration: string }>(client, "create_iteration", { run_id });
    expect(next.iteration).toBe("publish");
  });

  test("refuses a review of an iteration that awaits none, and a decision-less review without elicitation", async () => {
    const { iteration_id } = await callOk<{ iteration_id: string }>(client, "create_iteration", {
      workflow: "gated",
    });
    expect(await callError(client, "review_iteration", { iteration_id, decision: "approve" })).toContain(
      "is materialized, not awaiting approval",
    );
    expect(await callError(client, "review_iteration", { iteration_id })).toContain(
      'give `decision`: "approve" or "reject"',
    );
    const cli = await runCli(["-w", dir, "review", iteration_id], dir);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain("give exactly one of --approve and --reject");
  });
});
