import { cpSync } from "node:fs";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { test as base } from "vitest";
import type { EngineContext } from "../../src/engine/engine.js";
import type { ServerDeps } from "../../src/server.js";
import type { Store } from "../../src/store/api.js";
import { openEngine, TestClock } from "./baton.js";
import { connectInMemory, connectStdio, type StdioOptions } from "./mcp.js";
import { type Started, startNode, stopIfRunning } from "./processes.js";
import { EXAMPLE_WORKSPACE, tempDir, writeFiles } from "./temp.js";

/** What a workspace starts with: a copy of examples/stories-workspace, then `files` written over it. */
export interface WorkspaceSeed {
  example?: boolean;
  files?: Record<string, string>;
}

/** The engine and store over a workspace, and the server dependencies they make. */
export interface Baton {
  engine: EngineContext;
  store: Store;
  deps: ServerDeps;
}

/** A spawned `baton serve`: its client and everything the process wrote to stderr so far. */
export interface Served {
  client: Client;
  stderr: () => string;
}

/**
 * Shared fixtures (vitest `test.extend`). Each is set up only when a test or a `test.beforeEach`/
 * `test.beforeAll` hook names it, and torn down after it even when the test fails.
 *
 * Per test: `dir` a fresh temp workspace, `outside` a temp folder next to it, `clock` a hand-moved
 * clock, `baton` the engine and store over `dir` on that clock, `mcp` an SDK client in memory over
 * `baton`, `stdio` the built server spawned on `dir` (real clock, own store) and its client,
 * `spawnNode` to start other processes. What `dir` holds and how the servers run is said once per
 * file or describe block: `test.override({ example: true, files: {...} })`.
 *
 * Per file, for tests that build on each other's state or a setup too costly to repeat:
 * `sharedDir` (seeded by the `shared` option), `sharedBaton`, `sharedMcp` and `sharedStdio` over it.
 */
export const test = base.extend<{
  $file: {
    /** What `sharedDir` starts with, and how `sharedStdio` spawns the server. */
    shared: WorkspaceSeed & { server?: StdioOptions };
    sharedDir: string;
    /** The engine and store over `sharedDir`, on the real clock. */
    sharedBaton: Baton;
    sharedMcp: Client;
    sharedStdio: Served;
  };
  $test: {
    /** Start `dir` as a copy of examples/stories-workspace. */
    example: boolean;
    /** Files written into `dir` (over the example, if any). */
    files: Record<string, string>;
    /** Whether `baton` (and `mcp` over it) may run operator commands (`serve --allow-commands`). */
    allowCommands: boolean;
    /** How `stdio` spawns the server. */
    server: StdioOptions;
    dir: string;
    /** A second temp folder, outside `dir`: where links that must not be followed point. */
    outside: string;
    clock: TestClock;
    baton: Baton;
    mcp: Client;
    stdio: Served;
    /** Starts `node <args>`; every process still running when the test ends is killed. */
    spawnNode: typeof startNode;
  };
}>({
  shared: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
    async ({}, use) => {
      await use({});
    },
    { scope: "file" },
  ],
  sharedDir: [
    async ({ shared }, use) => {
      const { dir, cleanup } = seeded(shared);
      try {
        await use(dir);
      } finally {
        cleanup();
      }
    },
    { scope: "file" },
  ],
  sharedBaton: [
    async ({ sharedDir }, use) => {
      const { engine, store, deps, close } = openEngine(sharedDir);
      try {
        await use({ engine, store, deps });
      } finally {
        close();
      }
    },
    { scope: "file" },
  ],
  sharedMcp: [
    async ({ sharedBaton }, use) => {
      const { client, close } = await connectInMemory(sharedBaton.deps);
      try {
        await use(client);
      } finally {
        await close();
      }
    },
    { scope: "file" },
  ],
  sharedStdio: [
    async ({ sharedDir, shared }, use) => {
      await serve(sharedDir, shared.server ?? {}, use);
    },
    { scope: "file" },
  ],
  example: false,
  files: {},
  allowCommands: false,
  server: {},
  dir: async ({ example, files }, use) => {
    const { dir, cleanup } = seeded({ example, files });
    try {
      await use(dir);
    } finally {
      cleanup();
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  outside: async ({}, use) => {
    const { dir, cleanup } = tempDir("baton-outside-");
    try {
      await use(dir);
    } finally {
      cleanup();
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  clock: async ({}, use) => {
    await use(new TestClock());
  },
  baton: async ({ dir, clock, allowCommands }, use) => {
    const { engine, store, deps, close } = openEngine(dir, { now: clock.now, allowCommands });
    try {
      await use({ engine, store, deps });
    } finally {
      close();
    }
  },
  mcp: async ({ baton }, use) => {
    const { client, close } = await connectInMemory(baton.deps);
    try {
      await use(client);
    } finally {
      await close();
    }
  },
  stdio: async ({ dir, server }, use) => {
    await serve(dir, server, use);
  },
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  spawnNode: async ({}, use: (spawnNode: typeof startNode) => Promise<void>) => {
    const started: Started[] = [];
    try {
      await use((args, options) => {
        const process = startNode(args, options);
        started.push(process);
        return process;
      });
    } finally {
      for (const process of started) stopIfRunning(process);
    }
  },
});

function seeded({ example, files }: WorkspaceSeed): { dir: string; cleanup: () => void } {
  const temp = tempDir(example ? "baton-ws-" : "baton-test-");
  if (example) cpSync(EXAMPLE_WORKSPACE, temp.dir, { recursive: true });
  writeFiles(temp.dir, files ?? {});
  return temp;
}

/** Spawns the server on `dir` for the time of `use`; closing the client ends the process. */
async function serve(
  dir: string,
  options: StdioOptions,
  use: (served: Served) => Promise<void>,
): Promise<void> {
  let stderr = "";
  const { client } = await connectStdio(dir, {
    ...options,
    onStderr: (text) => {
      stderr += text;
      options.onStderr?.(text);
    },
  });
  try {
    await use({ client, stderr: () => stderr });
  } finally {
    await client.close();
  }
}
