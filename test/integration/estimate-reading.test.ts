import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { createIteration } from "../../src/engine/create-iteration.js";
import { FOLDER_FILES_LIMIT, type Reading } from "../../src/engine/estimate/reading.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { countTokens } from "../../src/engine/tokens.js";
import { test } from "../helpers/fixtures.js";
import { callOk, connectInMemory } from "../helpers/mcp.js";
import { roleYaml, writeFiles } from "../helpers/temp.js";

// #16.1 for a target-less iteration: the reviewer reads CONTEXT.md, the references, the run's file
// and folder inputs, the git change and a file its task names. A missing reference is flagged in
// the manifest, CONTEXT.md and the create_iteration result; a huge folder is capped and says so.

const WORKFLOW = `workflow:
  name: review
  description: Review a change
  inputs:
    base: { description: the base ref, type: git_ref, default: main }
    spec: { description: the spec of the change, type: file, required: true }
    evidence: { description: what is known so far, type: folder, required: true }
  context:
    references: ["docs/standards.md", "docs/missing.md"]
  iterations:
    - name: review
      goal: Review the change
      agents:
        - role: reviewer
          deliverables: ["reviews/review.md"]
          task: Check the change against \`docs/api.md\` and the spec.
      completion_criteria:
        - { check: min_bytes, deliverable: "reviews/review.md", bytes: 100 }
`;

interface Manifest {
  missing_references: string[];
  assignments: { prompt_path: string; estimate: { input_tokens: number }; reading: Reading }[];
}

const EVIDENCE_FILES = FOLDER_FILES_LIMIT + 5;

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd: dir,
    encoding: "utf8",
  });
}

function setup(dir: string, repo: boolean): void {
  const evidence: Record<string, string> = {};
  for (let i = 0; i < EVIDENCE_FILES; i++)
    evidence[`evidence/log-${String(i).padStart(3, "0")}.txt`] = `alert ${i}: checkout latency over 2 s\n`;
  writeFiles(dir, {
    ".baton/workflows/review.yaml": WORKFLOW,
    ".baton/roles/reviewer.yaml": roleYaml("Reviewer", 200000, 5),
    "docs/standards.md": "# Standards\n\nErrors are JSON objects with a code and a message.\n",
    "docs/api.md": "# API\n\nGET /invoices lists invoices, newest first.\n",
    "spec.md": "# Spec\n\nInvoices get a PDF download link.\n",
    "src/app.ts": "export const invoices = [];\n",
    ...evidence,
  });
  if (!repo) return;
  git(dir, "init", "-q", "--initial-branch=main");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "start");
  git(dir, "checkout", "-qb", "feature");
  writeFiles(dir, {
    "src/app.ts": `export const invoices = [];\n${"export function pdfLink(id: string) { return '/invoices/' + id + '.pdf'; }\n".repeat(20)}`,
  });
  git(dir, "commit", "-qam", "pdf links");
}

const inputs = { spec: "spec.md", evidence: "evidence" };

describe("reading of a target-less iteration", () => {
  test("counts CONTEXT.md, references, file and folder inputs, the diff and task files; flags the missing reference", async ({
    dir,
    baton,
  }) => {
    setup(dir, true);
    const created = await createIteration(baton.engine, { workflow: "review", inputs });
    expect(created.missing_references).toEqual(["docs/missing.md"]);
    const context = readFileSync(path.join(dir, created.path, "CONTEXT.md"), "utf8");
    expect(context).toMatch(/^Missing: `docs\/missing\.md` — declared but not in the workspace/m);

    await generatePrompts(baton.engine, { iteration_id: created.iteration_id });
    const manifest = JSON.parse(
      readFileSync(path.join(dir, created.path, "manifest.json"), "utf8"),
    ) as Manifest;
    expect(manifest.missing_references).toEqual(["docs/missing.md"]);
    const [a] = manifest.assignments;
    if (!a) throw new Error("no assignment");
    const { reading } = a;
    expect(reading.missing).toEqual([
      { path: "docs/missing.md", kind: "reference", reason: "not a file in the workspace" },
    ]);
    // Every item is an exact o200k count of what the agent reads; the folder is one item, capped.
    let evidenceTokens = 0;
    for (let i = 0; i < FOLDER_FILES_LIMIT; i++)
      evidenceTokens += await countTokens(`alert ${i}: checkout latency over 2 s\n`);
    const count = async (file: string) => countTokens(readFileSync(path.join(dir, file), "utf8"));
    expect(reading.items).toEqual([
      { path: `${created.path}/CONTEXT.md`, kind: "context", tokens: await countTokens(context) },
      { path: "docs/standards.md", kind: "reference", tokens: await count("docs/standards.md") },
      { path: "spec.md", kind: "input", tokens: await count("spec.md") },
      {
        path: "evidence/",
        kind: "input",
        tokens: evidenceTokens,
        note: `the first ${FOLDER_FILES_LIMIT} of ${EVIDENCE_FILES} files counted`,
      },
      {
        path: "git diff main...HEAD",
        kind: "diff",
        tokens: await countTokens(git(dir, "diff", "main...HEAD", "--")),
      },
      { path: "docs/api.md", kind: "task", tokens: await count("docs/api.md") },
    ]);
    expect(reading.unlisted).toBeUndefined();
    expect(reading.tokens).toBe(reading.items.reduce((s, i) => s + i.tokens, 0));
    expect(a.estimate.input_tokens).toBe(reading.tokens);
  });

  test("create_iteration's result names the missing reference for the model", async ({ dir, baton }) => {
    setup(dir, true);
    const { client, close } = await connectInMemory(baton.deps);
    try {
      const r = await callOk<{ next: string }>(client, "create_iteration", { workflow: "review", inputs });
      expect(r.next).toMatch(
        /^Missing references \(declared, not in the workspace; CONTEXT\.md flags them\): `docs\/missing\.md`\. Call generate_prompts/,
      );
    } finally {
      await close();
    }
  });

  test("outside a git repository the change cannot be read: reported, not counted, generation goes on", async ({
    dir,
    baton,
  }) => {
    setup(dir, false);
    const created = await createIteration(baton.engine, { workflow: "review", inputs });
    const generated = await generatePrompts(baton.engine, { iteration_id: created.iteration_id });
    expect(generated.assignments).toHaveLength(1);
    const manifest = JSON.parse(
      readFileSync(path.join(dir, created.path, "manifest.json"), "utf8"),
    ) as Manifest;
    const missing = manifest.assignments[0]?.reading.missing ?? [];
    expect(missing.map((m) => [m.path, m.kind])).toEqual([
      ["docs/missing.md", "reference"],
      ["git diff main...HEAD", "diff"],
    ]);
    expect(missing[1]?.reason).toMatch(/^git diff failed: /);
    expect(missing[1]?.reason).not.toContain(dir);
  });
});
