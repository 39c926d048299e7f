// Per-call cost at growing run sizes (#13.5): claim and submit p50 at 1k, 10k (and 100k with
// --scale) assignments, synthesis over 20k usage reports, and the size of bounded tool results.
// The assignments are written through the store: the cost of a call, not of creating files, is measured.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Workspace } from "../src/config/workspace.js";
import { claimAssignment } from "../src/engine/claim.js";
import { createEngine, type EngineContext } from "../src/engine/engine.js";
import { synthesize } from "../src/engine/feedback.js";
import { resolveIteration } from "../src/engine/resolve.js";
import { submitAssignment } from "../src/engine/submit.js";
import { validateIteration } from "../src/engine/validation.js";
import type { Store } from "../src/store/api.js";
import { defaultStoreFile, openStore } from "../src/store/index.js";
import { boundValidation } from "../src/tools/bounded.js";
import { itemsWorkspace, RESULT_HEADING, seededId, seedIteration } from "../test/helpers/items.js";
import { tempDir, writeFiles } from "../test/helpers/temp.js";

const GOOD = `# Item\n\n## Result\n\n${"Written for the benchmark. ".repeat(12)}\n`;

export interface ScaleRow {
  what: string;
  measured: string;
  floor: string;
  target: string;
  ok: boolean;
}

/** A workspace whose one iteration holds `count` pending assignments. */
async function iterationOf(count: number): Promise<{
  dir: string;
  store: Store;
  engine: EngineContext;
  iterationId: string;
  close: () => void;
}> {
  const { dir, cleanup } = tempDir("baton-bench-scale-");
  writeFiles(dir, itemsWorkspace("scale", 1, { criteria: [RESULT_HEADING] }));
  const store = openStore(defaultStoreFile(dir));
  const engine = createEngine({ workspace: new Workspace(dir), store });
  const { iterationId } = await seedIteration(engine, store, "scale", count);
  return {
    dir,
    store,
    engine,
    iterationId,
    close: () => {
      store.close();
      cleanup();
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
      for (let i = 1; i <= reports; i++) store.markSubmitted(seededId(iterationId, i), 1500 + (i % 700));
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
        store.setAssignmentState(seededId(iterationId, i), "failed", { attempts: 3 });
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
