import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { countTokens } from "../../src/engine/tokens.js";
import { runCli } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { CLI, REPO_ROOT } from "../helpers/temp.js";

// #16.1 and #16.2 on the example workspace: user-story-refinement runs twice with the demo's
// stand-in agent (`npm run demo`'s launcher). Every prompt's estimate must cover what the prompt
// tells its agent to read, counted here independently of Baton's manifest (the read list is parsed
// from the rendered prompt text); run 2's output estimates must be close to what run 1's agents wrote.

const WORKFLOW = "user-story-refinement";

interface ManifestAssignment {
  local_id: string;
  prompt_path: string;
  targets: string[];
  estimate: { prompt_tokens: number; input_tokens: number; output_tokens: number };
  deliverables: string[];
  reading: { tokens: number; items: { path: string; kind: string; tokens: number }[] };
  output_source: { source: string; detail: string };
}

let dir: string;
/** o200k tokens of each deliverable run 1's agents wrote, taken before run 2 rewrites them. */
const written = new Map<string, number>();
/** Per prompt: Baton's prompt + input tokens and the independent count, taken right after its run. */
const coverage: { id: string; estimated: number; independent: number }[] = [];

test.override({ shared: { example: true } });

/** Runs the workflow once more with the demo's stand-in agent: run 1 the first time, run 2 the second. */
async function orchestrate(): Promise<void> {
  const agent = path.join(path.dirname(CLI), "demo", "stand-in-agent.js");
  const launcher = `${JSON.stringify(process.execPath)} ${JSON.stringify(agent)}`;
  const r = await runCli(
    ["-w", dir, "orchestrate", WORKFLOW, "--launcher", launcher, "--interval", "0.2"],
    REPO_ROOT,
  );
  expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
}

// Two runs for the file: every test reads what they left.
test.beforeAll(async ({ sharedDir }) => {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  dir = sharedDir;
  await orchestrate();
  coverage.push(...(await coverageRows(1)));
  for (const { assignments } of manifests(1))
    for (const a of assignments)
      for (const d of a.deliverables)
        written.set(d, await countTokens(readFileSync(path.join(dir, d), "utf8")));
  // The stand-in writes the same bytes every run: without this, run 2's files would be stale copies.
  for (const entry of readdirSync(path.join(dir, "stories"), { withFileTypes: true }))
    if (entry.isDirectory()) rmSync(path.join(dir, "stories", entry.name), { recursive: true });
  await orchestrate();
  coverage.push(...(await coverageRows(2)));
}, 240_000);

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

async function coverageRows(run: number): Promise<typeof coverage> {
  const rows: typeof coverage = [];
  for (const { folder, assignments } of manifests(run)) {
    for (const a of assignments) {
      const prompt = readFileSync(path.join(dir, a.prompt_path), "utf8");
      const reads = readListOf(prompt);
      // The prompt names CONTEXT.md, the references, its targets and the upstream deliverables.
      expect(reads.some((r) => r.endsWith("/CONTEXT.md"))).toBe(true);
      expect(reads).toEqual(expect.arrayContaining(["docs/standards.md", "docs/glossary.md", ...a.targets]));
      let independent = await countTokens(prompt);
      for (const file of reads) independent += await countTokens(readFileSync(path.join(dir, file), "utf8"));
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
  return rows;
}

describe("reading counted (#16.1)", () => {
  test("prompt + input tokens cover at least 95% of an independent count of each prompt's reading", () => {
    // Two runs of five iterations, each with at least one assignment.
    expect(new Set(coverage.map((r) => r.id.split("/")[0])).size).toBe(10);
    for (const r of coverage) {
      const ratio = r.estimated / r.independent;
      expect(ratio, `${r.id}: ${r.estimated} of ${r.independent}`).toBeGreaterThanOrEqual(0.95);
      // Nothing is counted twice or invented: no more than the independent count either.
      expect(ratio, `${r.id}: ${r.estimated} of ${r.independent}`).toBeLessThanOrEqual(1.05);
    }
    const total =
      coverage.reduce((s, r) => s + r.estimated, 0) / coverage.reduce((s, r) => s + r.independent, 0);
    expect(total).toBeGreaterThanOrEqual(0.95);
  });
});

describe("output learned from deliverables (#16.2)", () => {
  test("run 2 estimates each iteration's output within ±25% of what run 1's agents wrote", () => {
    const first = manifests(1);
    const rows: { id: string; estimated: number; wrote: number }[] = [];
    for (const [i, { folder, assignments }] of manifests(2).entries()) {
      for (const a of assignments) {
        // Run 1 had no history: every estimate there came from tokens per point.
        for (const b of first[i]?.assignments ?? []) expect(b.output_source.source).toBe("tokens_per_point");
        expect(a.output_source.source).toMatch(/^history/);
        const wrote = a.deliverables.reduce((s, d) => s + (written.get(d) ?? Number.NaN), 0);
        rows.push({ id: `${folder}/${a.local_id}`, estimated: a.estimate.output_tokens, wrote });
      }
    }
    expect(new Set(rows.map((r) => r.id.split("/")[0])).size).toBe(5);
    for (const r of rows) {
      const error = Math.abs(r.estimated - r.wrote) / r.wrote;
      expect(error, `${r.id}: estimated ${r.estimated}, run 1 wrote ${r.wrote}`).toBeLessThanOrEqual(0.25);
    }
  });
});
