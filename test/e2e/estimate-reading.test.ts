import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { countTokens } from "../../src/engine/tokens.js";
import { runCli } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { CLI, REPO_ROOT } from "../helpers/temp.js";

// #16.1 on the example workspace: `baton demo` runs user-story-refinement with the stand-in agent
// (run 1, every iteration) and generates run 2's first iteration. Every prompt's estimate must
// cover what the prompt tells its agent to read, counted here independently of Baton's manifest:
// the read list is parsed from the rendered prompt text.

const WORKFLOW = "user-story-refinement";

interface ManifestAssignment {
  local_id: string;
  prompt_path: string;
  targets: string[];
  estimate: { prompt_tokens: number; input_tokens: number; output_tokens: number };
  reading: { tokens: number; items: { path: string; kind: string; tokens: number }[] };
}

let dir: string;

// One demo for the file: every test reads the manifests it left.
test.beforeAll(async ({ sharedDir }) => {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  dir = sharedDir;
  const demo = await runCli(["demo", "--dir", dir], REPO_ROOT);
  expect(demo.code, `${demo.stdout}${demo.stderr}`).toBe(0);
}, 120_000);

function manifests(run: number): { folder: string; assignments: ManifestAssignment[] }[] {
  const root = path.join(dir, "iterations", `${WORKFLOW}-${run}`);
  return readdirSync(root)
    .sort()
    .filter((f) => existsSync(path.join(root, f, "manifest.json")))
    .map((f) => ({
      folder: f,
      assignments: (
        JSON.parse(readFileSync(path.join(root, f, "manifest.json"), "utf8")) as {
          assignments: ManifestAssignment[];
        }
      ).assignments,
    }));
}

const isFile = (rel: string) => {
  const file = path.join(dir, rel);
  return existsSync(file) && statSync(file).isFile();
};

/**
 * The workspace files a prompt tells its agent to read, parsed from its text: every backticked path
 * of an existing file, except deliverables (`- write` lines, the output format, the completion
 * criteria and the closing steps name files to write, not to read).
 */
function readListOf(prompt: string): string[] {
  const files = new Set<string>();
  let section = "";
  for (const line of prompt.split("\n")) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      section = heading[1] ?? "";
      continue;
    }
    if (["Output format", "Completion criteria", "When you are done"].includes(section)) continue;
    if (/^\s*- write `/.test(line)) continue;
    for (const m of line.matchAll(/`([^`]+)`/g)) {
      const candidate = m[1] ?? "";
      if (!/[*?{}<>\s]/.test(candidate) && isFile(candidate)) files.add(candidate);
    }
  }
  return [...files];
}

describe("reading counted (#16.1)", () => {
  test("prompt + input tokens cover at least 95% of an independent count of each prompt's reading", async () => {
    const rows: { id: string; estimated: number; independent: number }[] = [];
    for (const run of [1, 2]) {
      for (const { folder, assignments } of manifests(run)) {
        for (const a of assignments) {
          const prompt = readFileSync(path.join(dir, a.prompt_path), "utf8");
          const reads = readListOf(prompt);
          // The prompt names CONTEXT.md, the references, its targets and the upstream deliverables.
          expect(reads.some((r) => r.endsWith("/CONTEXT.md"))).toBe(true);
          expect(reads).toEqual(
            expect.arrayContaining(["docs/standards.md", "docs/glossary.md", ...a.targets]),
          );
          let independent = await countTokens(prompt);
          for (const file of reads)
            independent += await countTokens(readFileSync(path.join(dir, file), "utf8"));
          rows.push({
            id: `run ${run} ${folder}/${a.local_id}`,
            estimated: a.estimate.prompt_tokens + a.estimate.input_tokens,
            independent,
          });
          // The manifest lists what was counted, item by item, summing to input_tokens.
          expect(a.reading.tokens).toBe(a.estimate.input_tokens);
          expect(a.reading.items.reduce((s, i) => s + i.tokens, 0)).toBe(a.reading.tokens);
          expect(a.reading.items.map((i) => i.path).sort()).toEqual([...reads].sort());
        }
      }
    }
    // Run 1: five iterations, each with at least one assignment; run 2: the first.
    expect(new Set(rows.map((r) => r.id.split("/")[0])).size).toBe(6);
    for (const r of rows) {
      const coverage = r.estimated / r.independent;
      expect(coverage, `${r.id}: ${r.estimated} of ${r.independent}`).toBeGreaterThanOrEqual(0.95);
      // Nothing is counted twice or invented: no more than the independent count either.
      expect(coverage, `${r.id}: ${r.estimated} of ${r.independent}`).toBeLessThanOrEqual(1.05);
    }
    const total = rows.reduce((s, r) => s + r.estimated, 0) / rows.reduce((s, r) => s + r.independent, 0);
    expect(total).toBeGreaterThanOrEqual(0.95);
  });
});
