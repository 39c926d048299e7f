import { fileURLToPath } from "node:url";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { RootsListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { Workspace } from "./config/workspace.js";
import { createEngine, type EngineContext } from "./engine/engine.js";
import { UserError } from "./errors.js";
import { LiveUpdates } from "./live.js";
import { SubscriptionHub } from "./resources/subscriptions.js";
import { createServer, type ServerDeps } from "./server.js";
import { defaultStoreFile, openStore } from "./store/index.js";

/**
 * The workspace when `baton serve` got neither `--workspace` nor `BATON_WORKSPACE`: the client's
 * first file root (roots/list), followed when the client says its roots changed. Until there is
 * one, nothing is created: every call that needs a workspace answers NO_WORKSPACE.
 */

export const NO_WORKSPACE =
  "no workspace: start the server with `baton serve --workspace <dir>`, set BATON_WORKSPACE, or open a folder in your MCP client (Baton uses its first root)";

/** Opens a workspace and its database; a bad folder is one clear line, never a stack. */
export function openWorkspace(root: string, db?: string): ServerDeps {
  const workspace = new Workspace(root);
  try {
    return { workspace, store: openStore(db ?? defaultStoreFile(workspace.root)) };
  } catch (error) {
    throw workspaceError(error) ?? error;
  }
}

/** File-system errors of opening `.baton/` in words; undefined for anything else. */
export function workspaceError(error: unknown): UserError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why: Record<string, string> = {
    EACCES: "no permission to write it",
    EPERM: "no permission to write it",
    EROFS: "the file system is read-only",
    ENOTDIR: "`.baton` is a file, not a folder",
    EEXIST: "`.baton` is a file, not a folder",
  };
  const reason = code === undefined ? undefined : why[code];
  return reason === undefined
    ? undefined
    : new UserError(
        `cannot keep Baton's state in the workspace (.baton/baton.db): ${reason}; pick another folder with --workspace or BATON_WORKSPACE, or --db <file>`,
      );
}

export class RootWorkspace {
  private current: { root: string; deps: ServerDeps; engine: EngineContext } | undefined;
  private readonly listeners: ((deps: ServerDeps) => void)[] = [];
  private pending: Promise<void> | undefined;

  constructor(private readonly options: { db?: string; allowCommands?: boolean } = {}) {}

  /** The workspace's engine, or the error that says how to set one. */
  engine(): EngineContext {
    if (!this.current) throw new UserError(NO_WORKSPACE);
    return this.current.engine;
  }

  get root(): string | undefined {
    return this.current?.root;
  }

  /** Called with the new workspace whenever it changes (live updates follow it). */
  onChange(listener: (deps: ServerDeps) => void): void {
    this.listeners.push(listener);
  }

  /** Asks the client for its roots after initialization, and again whenever they change. */
  follow(server: McpServer): void {
    const refresh = () => {
      this.pending = this.refresh(server).catch((error: unknown) => {
        process.stderr.write(`baton: roots: ${error instanceof Error ? error.message : String(error)}\n`);
      });
    };
    const previous = server.server.oninitialized;
    server.server.oninitialized = () => {
      previous?.();
      if (server.server.getClientCapabilities()?.roots) {
        server.server.setNotificationHandler(RootsListChangedNotificationSchema, refresh);
        refresh();
      }
    };
  }

  /** Resolves once the roots asked for last are in use: a call right after initialize waits for them. */
  ready(): Promise<void> {
    return this.pending ?? Promise.resolve();
  }

  async refresh(server: McpServer): Promise<void> {
    const { roots } = await server.server.listRoots();
    const first = roots.find((r) => r.uri.startsWith("file://"));
    const root = first ? fileURLToPath(first.uri) : undefined;
    if (root === this.current?.root) return;
    const deps = root === undefined ? undefined : openWorkspace(root, this.options.db);
    this.close();
    if (!deps || root === undefined) return;
    this.current = {
      root,
      deps,
      engine: createEngine({ ...deps, allowCommands: this.options.allowCommands }),
    };
    for (const listener of this.listeners) listener(deps);
  }

  close(): void {
    this.current?.deps.store.close();
    this.current = undefined;
  }
}

/**
 * An EngineContext whose every part is looked up on use: tools, resources and prompts hold it
 * from registration on, while the workspace behind it arrives (or changes) later.
 */
export function lazyEngine(current: () => EngineContext): EngineContext {
  return {
    get workspace() {
      return current().workspace;
    },
    get store() {
      return current().store;
    },
    get clock() {
      return current().clock;
    },
    get catalog() {
      return current().catalog;
    },
    get allowCommands() {
      return current().allowCommands;
    },
  };
}

/**
 * `baton serve` over stdio without a configured workspace: the client's first root becomes the
 * workspace once the client answers roots/list; live updates follow it.
 */
export async function serveStdioWithRoots(options: { db?: string; allowCommands?: boolean }): Promise<void> {
  const roots = new RootWorkspace(options);
  const hub = new SubscriptionHub();
  let live: LiveUpdates | undefined;
  roots.onChange((deps) => {
    process.stderr.write(
      `baton: workspace is the client's root ${deps.workspace.root} (database ${deps.store.file})\n`,
    );
    live?.stop();
    live = new LiveUpdates(deps, hub);
    live.start();
  });
  const { server, close } = createServer(
    { engine: lazyEngine(() => roots.engine()) },
    { hub, ready: () => roots.ready() },
  );
  roots.follow(server);
  const transport = new StdioServerTransport();
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    live?.stop();
    try {
      await close();
    } finally {
      roots.close();
    }
  };
  transport.onclose = () => void shutdown();
  process.stdin.on("end", () => void shutdown());
  process.on("SIGINT", () => void shutdown().then(() => process.exit(0)));
  process.on("SIGTERM", () => void shutdown().then(() => process.exit(0)));
  await server.connect(transport);
  process.stderr.write("baton: serving over stdio; the workspace is the client's first root\n");
}
