// Per-call cost at growing run sizes (#13.5): claim and submit p50 at 1k, 10k (and 100k with
// --scale) assignments, synthesis over 20k usage reports, and the size of bounded tool results.
// The assignments are written through the store: the cost of a call, not of creating files, is measured.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Workspace } from "../src/config/workspace.js";
import { claimAssignment } from "../src/engine/claim.js";
import { createIteration } from "../src/engine/create-iteration.js";
import { createEngine, type EngineContext } from "../src/engine/engine.js";
import { synthesize } from "../src/engine/feedback.js";
import { generatePrompts } from "../src/engine/generate.js";
import { resolveIteration } from "../src/engine/resolve.js";
import { submitAssignment } from "../src/engine/submit.js";
import { validateIteration } from "../src/engine/validation.js";
import type { Store } from "../src/store/api.js";
import { defaultStoreFile, openStore } from "../src/store/index.js";
import type { NewAssignment } from "../src/store/records.js";
import { boundValidation } from "../src/tools/bounded.js";

const WORKFLOW = `workflow:
  name: scale
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

const GOOD = `# Item\n\n## Result\n\n${"Written for the benchmark. ".repeat(12)}\n`;

export interface ScaleRow {
  what: string;
  measured: string;
  floor: string;
  target: string;
  ok: boolean;
}

const local = (i: number) => `developer-${String(i).padStart(6, "0")}`;

/** A workspace whose one iteration holds `count` pending assignments. */
async function iterationOf(count: number): Promise<{
  dir: string;
  store: Store;
  engine: EngineContext;
  iterationId: string;
  close: () => void;
}> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "baton-bench-scale-"));
  mkdirSync(path.join(dir, ".baton", "workflows"), { recursive: true });
  mkdirSync(path.join(dir, "items"), { recursive: true });
  writeFileSync(path.join(dir, ".baton", "workflows", "scale.yaml"), WORKFLOW);
  writeFileSync(path.join(dir, "items", "item-1.md"), "# Item 1\n");
  const store = openStore(defaultStoreFile(dir));
  const engine = createEngine({ workspace: new Workspace(dir), store });
  const created = await createIteration(engine, { workflow: "scale" });
  const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
  const prompt = generated.assignments[0]?.prompt_path as string;
  const rows: NewAssignment[] = [];
  for (let i = 1; i <= count; i++) {
    rows.push({
      id: `${created.iteration_id}/${local(i)}`,
      iteration_id: created.iteration_id,
      local_id: local(i),
      role: "developer",
      targets: [`items/item-${i}.md`],
      deliverables: [`out/item-${i}.md`],
      estimate: { prompt_tokens: 500, input_tokens: 100, output_tokens: 800 },
      risk: { score: 0, level: "low", reasons: [] },
      prompt_path: prompt,
    });
  }
  store.replaceAssignments(created.iteration_id, rows);
  return {
    dir,
    store,
    engine,
    iterationId: created.iteration_id,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Claim and submit p50 over `calls` calls of each, on an iteration of `size` assignments. */
async function claimSubmit(size: number, calls = 40): Promise<{ claim: number; submit: number }> {
  const { dir, engine, close } = await iterationOf(size);
  const claims: number[] = [];
  const submits: number[] = [];
  try {
    mkdirSync(path.join(dir, "out"), { recursive: true });
    for (let i = 0; i < calls; i++) {
      let t = performance.now();
      const claimed = claimAssignment(engine, { agent: "bench" });
      claims.push(performance.now() - t);
      for (const file of claimed.deliverables ?? []) writeFileSync(path.join(dir, file), GOOD);
      t = performance.now();
      await submitAssignment(engine, { assignment_id: claimed.assignment_id as string, tokens_used: 1500 });
      submits.push(performance.now() - t);
    }
  } finally {
    close();
  }
  return { claim: median(claims), submit: median(submits) };
}

/** Synthesis over `reports` assignments that reported token usage, and its median of 3. */
async function synthesis(reports: number): Promise<number> {
  const { engine, store, iterationId, close } = await iterationOf(reports);
  try {
    store.transaction(() => {
      for (let i = 1; i <= reports; i++) store.markSubmitted(`${iterationId}/${local(i)}`, 1500 + (i % 700));
    });
    const bundle = resolveIteration(engine, iterationId);
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      synthesize(engine, bundle);
      times.push(performance.now() - t);
    }
    return median(times);
  } finally {
    close();
  }
}

/** The validate_iteration result size (bounded as the tool sends it) when every deliverable fails. */
async function validateResultKb(size: number): Promise<number> {
  const { engine, store, iterationId, close } = await iterationOf(size);
  try {
    store.transaction(() => {
      for (let i = 1; i <= size; i++)
        store.setAssignmentState(`${iterationId}/${local(i)}`, "failed", { attempts: 3 });
    });
    const {
      assignments: _a,
      report_path: _p,
      new_learnings: _l,
      ...report
    } = await validateIteration(engine, {
      iteration_id: iterationId,
    });
    return Buffer.byteLength(JSON.stringify(boundValidation(report))) / 1024;
  } finally {
    close();
  }
}

export async function scaleRows(scale: boolean): Promise<ScaleRow[]> {
  const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
  const rows: ScaleRow[] = [];
  const sizes = scale ? [1_000, 10_000, 100_000] : [1_000, 10_000];
  const base = await claimSubmit(sizes[0] as number);
  for (const size of sizes) {
    const r = size === sizes[0] ? base : await claimSubmit(size);
    rows.push({
      what: `claim p50 at ${size} assignments`,
      measured: ms(r.claim),
      floor: `${ms(base.claim)} at ${sizes[0]}`,
      target: "<= 2x at 1k",
      ok: r.claim <= 2 * base.claim,
    });
    rows.push({
      what: `submit p50 at ${size} assignments`,
      measured: ms(r.submit),
      floor: `${ms(base.submit)} at ${sizes[0]}`,
      target: "<= 2x at 1k",
      ok: r.submit <= 2 * base.submit,
    });
  }
  const synth = await synthesis(20_000);
  rows.push({
    what: "synthesize, 20000 usage reports",
    measured: ms(synth),
    floor: "-",
    target: "<= 200 ms",
    ok: synth <= 200,
  });
  for (const size of scale ? [10_000, 100_000] : [10_000]) {
    const kb = await validateResultKb(size);
    rows.push({
      what: `validate_iteration result, ${size} failing assignments`,
      measured: `${kb.toFixed(1)} KB`,
      floor: "-",
      target: "< 64 KB",
      ok: kb < 64,
    });
  }
  return rows;
}
