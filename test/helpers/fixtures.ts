import { test as base } from "vitest";
import type { EngineContext } from "../../src/engine/engine.js";
import type { ServerDeps } from "../../src/server.js";
import type { Store } from "../../src/store/api.js";
import { openEngine, TestClock } from "./baton.js";
import { tempDir } from "./temp.js";

/**
 * Shared per-test fixtures (vitest `test.extend`), set up only when a test names them and torn
 * down after it: `dir` a fresh temp workspace, `clock` a hand-moved clock, `baton` the engine and
 * store over `dir` on that clock.
 */
export const test = base.extend<{
  dir: string;
  clock: TestClock;
  baton: { engine: EngineContext; store: Store; deps: ServerDeps };
}>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  dir: async ({}, use) => {
    const { dir, cleanup } = tempDir();
    await use(dir);
    cleanup();
  },
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  clock: async ({}, use) => {
    await use(new TestClock());
  },
  baton: async ({ dir, clock }, use) => {
    const { engine, store, deps, close } = openEngine(dir, { now: clock.now });
    await use({ engine, store, deps });
    close();
  },
});
