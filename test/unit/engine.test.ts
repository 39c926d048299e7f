import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect } from "vitest";
import { fillPattern } from "../../src/config/placeholders.js";
import { Workspace } from "../../src/config/workspace.js";
import { allocate, type Bin } from "../../src/engine/allocate.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import { createEngine, type EngineContext } from "../../src/engine/engine.js";
import type { GeneratePromptsResult } from "../../src/engine/generate.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { resolveIteration } from "../../src/engine/resolve.js";
import { resolveTargets, targetIdMatcher } from "../../src/engine/targets.js";
import { countTokens } from "../../src/engine/tokens.js";
import { UserError } from "../../src/errors.js";
import type { Store } from "../../src/store/api.js";
import { StoreError } from "../../src/store/api.js";
import { defaultStoreFile } from "../../src/store/index.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { SqliteStore } from "../../src/store/store.js";
import { test } from "../helpers/fixtures.js";
import { roleYaml, writeFiles } from "../helpers/temp.js";

// --- allocation -------------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run checks the same "random" cases. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fewest bins any packing can use (exhaustive search; small inputs only). */
function optimalBins(costs: readonly number[], maxItems: number, capacity: number): number {
  const sorted = [...costs].sort((a, b) => b - a);
  let best = sorted.length;
  const bins: { load: number; n: number }[] = [];
  const search = (i: number): void => {
    if (bins.length >= best) return;
    const cost = sorted[i];
    if (cost === undefined) {
      best = bins.length;
      return;
    }
    const tried = new Set<string>();
    for (const bin of bins) {
      const key = `${bin.load}/${bin.n}`;
      if (tried.has(key) || bin.n >= maxItems || bin.load + cost > capacity) continue;
      tried.add(key);
      bin.load += cost;
      bin.n++;
      search(i + 1);
      bin.load -= cost;
      bin.n--;
    }
    bins.push({ load: cost, n: 1 });
    search(i + 1);
    bins.pop();
  };
  search(0);
  return best;
}

interface Case {
  costs: number[];
  maxItems: number;
  budget: number;
  overhead: number;
}

function randomCase(rnd: () => number, maxN: number): Case {
  const n = 1 + Math.floor(rnd() * maxN);
  const maxItems = 1 + Math.floor(rnd() * 6);
  const budget = 200 + Math.floor(rnd() * 2000);
  const overhead = Math.floor(rnd() * 150);
  const capacity = budget - overhead;
  // Mostly items that fit, a few that are over the budget on their own.
  const costs = Array.from({ length: n }, () =>
    rnd() < 0.08 ? capacity + 1 + Math.floor(rnd() * 500) : 1 + Math.floor(rnd() * capacity),
  );
  return { costs, maxItems, budget, overhead };
}

function run(c: Case): Bin<number>[] {
  return allocate(
    c.costs.map((cost, i) => ({ item: i, cost })),
    { maxItems: c.maxItems, budget: c.budget, overhead: c.overhead },
  );
}

describe("allocate", () => {
  // 1,500 random cases: CPU-bound for several seconds, so it gets room on a busy 2-core machine.
  test("never breaks complexity_threshold or token_budget, places every item once, flags oversized items alone", {
    timeout: 180_000,
  }, () => {
    const rnd = prng(20240611);
    for (let k = 0; k < 1500; k++) {
      const c = randomCase(rnd, 40);
      const capacity = c.budget - c.overhead;
      const bins = run(c);
      const placed = bins.flatMap((b) => b.items).sort((a, b) => a - b);
      expect(placed).toEqual(c.costs.map((_, i) => i));
      for (const bin of bins) {
        const load = bin.items.reduce((s, i) => s + (c.costs[i] as number), 0);
        expect(bin.load).toBe(load);
        expect(bin.items.length).toBeGreaterThan(0);
        if (bin.oversized) {
          expect(bin.items).toHaveLength(1);
          expect(load).toBeGreaterThan(capacity);
        } else {
          expect(bin.items.length).toBeLessThanOrEqual(c.maxItems);
          expect(load + c.overhead).toBeLessThanOrEqual(c.budget);
        }
        // Input order inside an instance.
        expect(bin.items).toEqual([...bin.items].sort((a, b) => a - b));
      }
      // An item over the budget on its own is always flagged.
      const oversized = c.costs.filter((cost) => cost > capacity).length;
      expect(bins.filter((b) => b.oversized)).toHaveLength(oversized);
    }
  });

  test("uses the fewest instances: no two could be merged, and the count equals the exact optimum", () => {
    const rnd = prng(7);
    for (let k = 0; k < 1500; k++) {
      const c = randomCase(rnd, 9);
      const capacity = c.budget - c.overhead;
      const regular = run(c).filter((b) => !b.oversized);
      for (let i = 0; i < regular.length; i++) {
        for (let j = i + 1; j < regular.length; j++) {
          const [a, b] = [regular[i] as Bin<number>, regular[j] as Bin<number>];
          const mergeable = a.items.length + b.items.length <= c.maxItems && a.load + b.load <= capacity;
          expect(mergeable, JSON.stringify(c)).toBe(false);
        }
      }
      const fitting = c.costs.filter((cost) => cost <= capacity);
      const optimum = fitting.length === 0 ? 0 : optimalBins(fitting, c.maxItems, capacity);
      expect(regular.length, JSON.stringify(c)).toBe(optimum);
    }
  });

  test("uses exactly the lower bound when every target costs the same", () => {
    const rnd = prng(99);
    for (let k = 0; k < 500; k++) {
      const n = 1 + Math.floor(rnd() * 60);
      const maxItems = 1 + Math.floor(rnd() * 8);
      const cost = 10 + Math.floor(rnd() * 100);
      const perBinByBudget = 1 + Math.floor(rnd() * 8);
      const budget = cost * perBinByBudget + 50;
      const bins = allocate(
        Array.from({ length: n }, (_, i) => ({ item: i, cost })),
        { maxItems, budget, overhead: 50 },
      );
      expect(bins).toHaveLength(Math.ceil(n / Math.min(maxItems, perBinByBudget)));
      // Balanced: instance sizes differ by at most one target.
      const sizes = bins.map((b) => b.items.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  test("is deterministic", () => {
    const rnd = prng(3);
    for (let k = 0; k < 100; k++) {
      const c = randomCase(rnd, 30);
      expect(run(c)).toEqual(run(c));
    }
  });

  // Inputs where the largest-first balancing greedy alone misses the optimum; the exact search finds it.
  test("finds the fewest instances on inputs the greedy placement misses", () => {
    const counterexamples: [Case, number][] = [
      [{ costs: [63, 262, 85, 142, 108, 61, 80], maxItems: 5, budget: 277, overhead: 0 }, 3],
      [{ costs: [40, 220, 238, 141, 237, 68, 44, 180], maxItems: 3, budget: 248, overhead: 0 }, 5],
      [{ costs: [98, 286, 107, 93, 405, 174, 299, 294], maxItems: 5, budget: 489, overhead: 0 }, 4],
    ];
    for (const [c, optimum] of counterexamples) {
      expect(optimalBins(c.costs, c.maxItems, c.budget - c.overhead)).toBe(optimum);
      expect(run(c)).toHaveLength(optimum);
    }
  });
});

// --- target ids -------------------------------------------------------------------------------

describe("target ids", () => {
  test.each([
    ["stories/*.md", "stories/US-7.md", "US-7"],
    ["stories/*/requirements.md", "stories/US-7/requirements.md", "US-7"],
    ["src/**/*.ts", "src/a/b/c.ts", "a/b"],
    ["src/**/*.ts", "src/c.ts", "c"],
    ["incidents/INC-?.md", "incidents/INC-4.md", "4"],
    ["docs/{api,guide}/*.md", "docs/guide/x.md", "guide"],
    ["README.md", "README.md", "README"],
  ])("%s on %s → %s", (pattern, file, id) => {
    expect(targetIdMatcher(pattern)(file)).toBe(id);
  });

  test("fills deliverable placeholders from the target", () => {
    const target = { path: "stories/US-7.md", id: "US-7" };
    expect(fillPattern("stories/{story_id}/requirements.md", { inputs: {}, target })).toBe(
      "stories/US-7/requirements.md",
    );
    expect(fillPattern("{target_dir}/{target_name}.{id}.txt", { inputs: {}, target })).toBe(
      "stories/US-7.US-7.txt",
    );
    // A run input wins over the target id (docs/design.md §3).
    expect(fillPattern("incidents/{id}/triage.md", { inputs: { id: "INC-42" }, target })).toBe(
      "incidents/INC-42/triage.md",
    );
    // Placeholders nothing fills stay as written; text without any is returned as is.
    expect(fillPattern("{id}{target_name}-{nope}/{1x}", { inputs: {}, target })).toBe("US-7US-7-{nope}/{1x}");
    expect(fillPattern("{id}/{release}.md", { inputs: { release: "v2" } })).toBe("{id}/v2.md");
    expect(fillPattern("docs/plain.md", { inputs: {}, target })).toBe("docs/plain.md");
    expect(fillPattern("", { inputs: {}, target })).toBe("");
  });

  test("resolves targets in natural order, without .git, node_modules or .baton", async ({ dir }) => {
    writeFiles(dir, {
      "stories/US-10.md": "x",
      "stories/US-2.md": "x",
      "stories/US-1.md": "x",
      "stories/.git/US-3.md": "x",
      "stories/node_modules/US-4.md": "x",
      ".baton/stories/US-5.md": "x",
      "nested/node_modules/stories/US-6.md": "x",
    });
    const targets = await resolveTargets(new Workspace(dir), ["stories/*.md", "**/stories/*.md"], {});
    expect(targets).toEqual([
      { path: "stories/US-1.md", id: "US-1" },
      { path: "stories/US-2.md", id: "US-2" },
      { path: "stories/US-10.md", id: "US-10" },
    ]);
  });
});

// --- the engine over a real store -------------------------------------------------------------

const DEMO_WORKFLOW = `workflow:
  name: demo
  description: Demo workflow for engine tests
  context:
    references: ["docs/standards.md"]
    conventions: ["Write plainly"]
  iterations:
    - name: draft
      goal: Draft a note per story
      agents:
        - role: writer
          targets: ["stories/*.md"]
          deliverables: ["notes/{story_id}.md"]
          complexity_per_target: 2
      completion_criteria:
        - Every note is faithful to its story
        - { check: min_bytes, deliverable: "notes/{story_id}.md", bytes: 300 }
    - name: review
      goal: Review the notes
      dependencies: [draft]
      agents:
        - role: reviewer
          deliverables: ["review.md"]
      completion_criteria:
        - The review is fair
        - { check: contains, deliverable: "review.md", pattern: "## Verdict" }
`;

function story(n: number, paragraphs: number): string {
  const body = Array.from(
    { length: paragraphs },
    (_, p) =>
      `As a shopper (${n}.${p}) I want to filter products by size, colour and price so that I find what fits quickly.`,
  ).join("\n\n");
  return `# US-${n}: Story number ${n}\n\n${body}\n`;
}

describe("Engine", () => {
  let dir: string;
  let store: Store;
  let engine: EngineContext;

  test.beforeEach(({ dir: workspace }) => {
    dir = workspace;
    const stories: Record<string, string> = {};
    for (let n = 1; n <= 8; n++) stories[`stories/US-${n}.md`] = story(n, n === 5 ? 40 : 2);
    writeFiles(dir, {
      ...stories,
      "docs/standards.md": "# Standards\n",
      ".baton/workflows/demo.yaml": DEMO_WORKFLOW,
      ".baton/roles/writer.yaml": roleYaml("Writer", 7000, 3),
      ".baton/roles/reviewer.yaml": roleYaml("Reviewer", 20000, 5),
    });
    store = new SqliteStore(defaultStoreFile(dir));
    engine = createEngine({ workspace: new Workspace(dir), store });
  });
  test.afterEach(() => {
    store.close();
  });

  async function firstIteration(): Promise<{
    runId: string;
    iterationId: string;
    result: GeneratePromptsResult;
  }> {
    const created = await createIteration(engine, { workflow: "demo" });
    expect(created).toMatchObject({
      run_id: "demo-1",
      iteration_id: "demo-1-i01",
      iteration: "draft",
      path: "iterations/demo-1/01-draft",
      targets: 8,
      created: true,
      forced: false,
    });
    const result = await generatePrompts(engine, { iteration_id: created.iteration_id });
    return { runId: created.run_id, iterationId: created.iteration_id, result };
  }

  test("writes the iteration folder and one prompt per assignment, within the role's limits", async () => {
    const { result } = await firstIteration();
    const folder = path.join(dir, result.path);
    expect(readdirSync(folder).sort()).toEqual([
      "COMPLETION_CRITERIA.md",
      "CONTEXT.md",
      "README.md",
      "agent-prompts",
      "manifest.json",
    ]);
    expect(readdirSync(path.join(folder, "agent-prompts")).sort()).toEqual(
      result.assignments.map((a) => `${a.local_id}.md`).sort(),
    );
    // 8 stories, at most 3 per writer instance: at least 3 instances; each target exactly once.
    expect(result.assignments.length).toBeGreaterThanOrEqual(3);
    expect(result.assignments.flatMap((a) => a.targets).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `stories/US-${i + 1}.md`).sort(),
    );
    for (const a of result.assignments) {
      expect(a.role).toBe("writer");
      expect(a.targets.length).toBeLessThanOrEqual(3);
      expect(a.deliverables).toEqual(a.targets.map((t) => t.replace(/^stories\/(.*)\.md$/, "notes/$1.md")));
      expect(a.estimated_tokens).toBe(
        a.estimate.prompt_tokens + a.estimate.input_tokens + a.estimate.output_tokens,
      );
      expect(a.estimate.output_tokens).toBe(a.targets.length * 2 * 500);
      expect(a.token_budget).toBe(7000);
      if (a.targets.length > 1) expect(a.estimated_tokens).toBeLessThanOrEqual(a.token_budget);
      else if (a.estimated_tokens > a.token_budget) expect(a.risk.level).toBe("high");
      expect(a.prompt_uri).toBe(`baton://iterations/demo-1-i01/prompts/${a.local_id}`);
    }
    // The long story (US-5) does not share its instance with two others: the budget binds, not only the count.
    const withLong = result.assignments.find((a) => a.targets.includes("stories/US-5.md"));
    expect(withLong?.targets.length).toBeLessThan(3);
    expect(result.totals.assignments).toBe(result.assignments.length);
    expect(result.totals.targets).toBe(8);
    expect(store.listAssignments("demo-1-i01").map((a) => a.state)).toEqual(
      result.assignments.map(() => "pending"),
    );
  });

  test("estimates prompt_tokens as the o200k count of the written prompt, input_tokens from what it tells the agent to read", async () => {
    const { result } = await firstIteration();
    const manifest = JSON.parse(readFileSync(path.join(dir, result.path, "manifest.json"), "utf8")) as {
      assignments: (GeneratePromptsResult["assignments"][number] & {
        reading: unknown;
        output_source: unknown;
      })[];
    };
    expect(manifest.assignments.map(({ reading: _r, output_source: _o, ...a }) => a)).toEqual(
      result.assignments,
    );
    // No earlier run: output comes from the role's tokens per point.
    for (const a of manifest.assignments)
      expect(a.output_source).toEqual({
        source: "tokens_per_point",
        detail: "no history: complexity 2 × tokens_per_point 500 = 1000 per target",
      });
    for (const a of manifest.assignments) {
      const prompt = readFileSync(path.join(dir, a.prompt_path), "utf8");
      expect(a.estimate.prompt_tokens).toBe(await countTokens(prompt));
      // CONTEXT.md and the reference first, then the targets.
      let input = 0;
      for (const f of [`${result.path}/CONTEXT.md`, "docs/standards.md", ...a.targets])
        input += await countTokens(readFileSync(path.join(dir, f), "utf8"));
      expect(a.estimate.input_tokens).toBe(input);
      // The prompt names every target and its exact deliverable path.
      for (const d of a.deliverables) expect(prompt).toContain(d);
    }
  });

  test("regenerates idempotently: same bytes, files not rewritten, manifest and assignments unchanged", async () => {
    const { iterationId, result } = await firstIteration();
    const folder = path.join(dir, result.path);
    const snapshot = () => {
      const files = ["CONTEXT.md", "COMPLETION_CRITERIA.md", "README.md", "manifest.json"].concat(
        readdirSync(path.join(folder, "agent-prompts")).map((f) => `agent-prompts/${f}`),
      );
      return Object.fromEntries(
        files.map((f) => {
          const file = path.join(folder, f);
          // The inode changes on every temp-then-rename write, so it proves the file was left alone.
          return [f, { text: readFileSync(file, "utf8"), ino: statSync(file).ino }];
        }),
      );
    };
    const before = snapshot();
    const assignmentsBefore = store.listAssignments(iterationId).map(({ updated_at: _u, ...a }) => a);
    const again = await generatePrompts(engine, { iteration_id: iterationId });
    expect(again.assignments).toEqual(result.assignments);
    expect(snapshot()).toEqual(before);
    expect(store.listAssignments(iterationId).map(({ updated_at: _u, ...a }) => a)).toEqual(
      assignmentsBefore,
    );
    // create_iteration on the same iteration refreshes in place, too.
    const refreshed = await createIteration(engine, { run_id: "demo-1", iteration: "draft" });
    expect(refreshed.created).toBe(false);
    expect(snapshot()).toEqual(before);
  });

  test("a dry run plans the same assignments and writes nothing", async () => {
    const created = await createIteration(engine, { workflow: "demo" });
    const dry = await generatePrompts(engine, { iteration_id: created.iteration_id, dry_run: true });
    expect(dry.dry_run).toBe(true);
    expect(readdirSync(path.join(dir, created.path)).sort()).toEqual([
      "COMPLETION_CRITERIA.md",
      "CONTEXT.md",
      "README.md",
    ]);
    expect(store.listAssignments(created.iteration_id)).toEqual([]);
    const real = await generatePrompts(engine, { iteration_id: created.iteration_id });
    expect(real.assignments).toEqual(dry.assignments);
  });

  test("gates an iteration on its dependencies; force records a gate_forced event", async () => {
    const { runId } = await firstIteration();
    await expect(createIteration(engine, { run_id: runId })).rejects.toThrow(
      /no iteration of run demo-1 is ready: `review` waits for `draft` \(generated\)/,
    );
    const refused = createIteration(engine, { run_id: runId, iteration: "review" });
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(
      /iteration `review` of run demo-1 waits for dependencies that have not passed validation: `draft` \(generated\).*force: true/,
    );
    expect(store.listIterations(runId).map((it) => it.name)).toEqual(["draft"]);
    expect(store.listEvents({ run_id: runId }).some((e) => e.kind === "gate_forced")).toBe(false);

    const forced = await createIteration(engine, { run_id: runId, iteration: "review", force: true });
    expect(forced).toMatchObject({
      iteration: "review",
      iteration_id: "demo-1-i02",
      forced: true,
      created: true,
    });
    expect(store.getIteration("demo-1-i02")?.forced).toBe(true);
    const gate = store.listEvents({ run_id: runId }).filter((e) => e.kind === "gate_forced");
    expect(gate).toHaveLength(1);
    expect(gate[0]).toMatchObject({
      iteration_id: "demo-1-i02",
      data: { unmet: [{ iteration: "draft", state: "generated" }] },
    });
  });

  test("opens the next ready iteration once its dependency passed", async () => {
    const { runId, iterationId } = await firstIteration();
    store.setIterationState(iterationId, "passed");
    const next = await createIteration(engine, { run_id: runId });
    expect(next).toMatchObject({ iteration: "review", forced: false, targets: 0 });
    const prompts = await generatePrompts(engine, { iteration_id: next.iteration_id });
    expect(prompts.assignments).toHaveLength(1);
    expect(prompts.assignments[0]).toMatchObject({
      role: "reviewer",
      targets: [],
      deliverables: ["review.md"],
    });
  });

  test("names the available workflows for an unknown one", async () => {
    const refused = createIteration(engine, { workflow: "nope" });
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(/^unknown workflow `nope`; available workflows: .*`demo`/);
    expect(store.listRuns()).toEqual([]);
  });

  test("names the iterations for an unknown one, and the runs for an unknown run", async () => {
    await expect(createIteration(engine, { workflow: "demo", iteration: "drfat" })).rejects.toThrow(
      "workflow `demo` has no iteration `drfat`; iterations: `draft`, `review`",
    );
    await expect(createIteration(engine, { run_id: "demo-9" })).rejects.toThrow(
      /^unknown run `demo-9`; runs in this workspace: /,
    );
    await expect(generatePrompts(engine, { iteration_id: "demo-9-i01" })).rejects.toThrow(
      /^unknown iteration `demo-9-i01`/,
    );
  });

  test("keeps a run on its workflow snapshot when the file changes later", async () => {
    const { runId, iterationId } = await firstIteration();
    writeFiles(dir, {
      ".baton/workflows/demo.yaml": DEMO_WORKFLOW.replace("Draft a note per story", "Changed goal"),
    });
    store.setIterationState(iterationId, "passed");
    await createIteration(engine, { run_id: runId });
    const context = readFileSync(path.join(dir, "iterations/demo-1/01-draft/CONTEXT.md"), "utf8");
    expect(context).toContain("Draft a note per story");
    const fresh = createEngine({ workspace: new Workspace(dir), store });
    expect(resolveIteration(fresh, iterationId).spec.goal).toBe("Draft a note per story");
  });
});

describe("Store", () => {
  test("refuses a database written by a newer Baton and leaves it unchanged", ({ dir }) => {
    const file = path.join(dir, "baton.db");
    const future = MIGRATIONS.length + 5;
    const db = new Database(file);
    db.exec("CREATE TABLE future_things (x TEXT); INSERT INTO future_things VALUES ('kept');");
    db.pragma(`user_version = ${future}`);
    db.close();
    const before = readFileSync(file);

    let error: unknown;
    try {
      new SqliteStore(file).close();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toBe(
      `${file} has schema version ${future}, written by a newer Baton (this one knows up to ${MIGRATIONS.length}); ` +
        "upgrade Baton or point --db at another file. The database was not changed.",
    );
    expect(readFileSync(file).equals(before)).toBe(true);
    const check = new Database(file, { readonly: true });
    expect(check.pragma("user_version", { simple: true })).toBe(future);
    expect(check.pragma("journal_mode", { simple: true })).toBe("delete");
    expect(check.prepare("SELECT x FROM future_things").pluck().all()).toEqual(["kept"]);
    check.close();
  });

  test("migrates a new database to the current version, in WAL mode with foreign keys", ({ dir }) => {
    const store = new SqliteStore(path.join(dir, "nested", "baton.db"));
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    store.close();
    const check = new Database(path.join(dir, "nested", "baton.db"), { readonly: true });
    expect(check.pragma("journal_mode", { simple: true })).toBe("wal");
    check.close();
    // Reopening does not migrate again.
    const again = new SqliteStore(path.join(dir, "nested", "baton.db"));
    expect(again.schemaVersion).toBe(MIGRATIONS.length);
    again.close();
  });
});
