import { fileURLToPath } from "node:url";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  isJSONRPCRequest,
  type RequestId,
  RootsListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { Workspace } from "./config/workspace.js";
import { createEngine, type EngineContext } from "./engine/engine.js";
import { UserError } from "./errors.js";
import { LiveUpdates } from "./live.js";
import { SubscriptionHub } from "./resources/subscriptions.js";
import { type BuiltServer, createServer, type ServerDeps } from "./server.js";
import { defaultStoreFile, openStore } from "./store/index.js";

/**
 * The workspace when `baton serve` got neither `--workspace` nor `BATON_WORKSPACE`: each client's
 * first file root (roots/list), followed when the client says its roots changed. Until there is
 * one, nothing is created: every call that needs a workspace answers NO_WORKSPACE.
 *
 * Over HTTP every session follows its own client's roots (one rule, docs/design.md "Roots"):
 * sessions offering the same first root share one workspace and database; sessions offering
 * different roots work in different workspaces, each with its own `.baton/`, and never see each
 * other's runs or notifications.
 */

export const NO_WORKSPACE =
  "no workspace: start the server with `baton serve --workspace <dir>`, set BATON_WORKSPACE, or open a folder in your MCP client (Baton uses its first root)";

/** Opens a workspace and its database; a bad folder is one clear line, never a stack. */
export function openWorkspace(root: string, db?: string): ServerDeps {
  try {
    const workspace = new Workspace(root);
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

/** One workspace opened for the roots of one or more clients, with its own live updates. */
interface OpenWorkspace {
  root: string;
  deps: ServerDeps;
  engine: EngineContext;
  /** The subscriptions of the servers working here: notifications never cross workspaces. */
  hub: SubscriptionHub;
  live: LiveUpdates;
  users: number;
}

/** The workspaces the clients' roots opened, by root, each closed when its last server leaves it. */
export class WorkspacePool {
  private readonly open = new Map<string, OpenWorkspace>();

  constructor(
    private readonly options: { db?: string; allowCommands?: boolean; log?: (line: string) => void } = {},
  ) {}

  acquire(root: string): OpenWorkspace {
    const known = this.open.get(root);
    if (known) {
      known.users++;
      return known;
    }
    const deps = { ...openWorkspace(root, this.options.db), allowCommands: this.options.allowCommands };
    const hub = new SubscriptionHub();
    const live = new LiveUpdates(deps, hub);
    live.start();
    const entry: OpenWorkspace = { root, deps, engine: createEngine(deps), hub, live, users: 1 };
    this.open.set(root, entry);
    this.options.log?.(`baton: workspace ${root} from a client's roots (database ${deps.store.file})`);
    return entry;
  }

  release(entry: OpenWorkspace): void {
    if (--entry.users > 0) return;
    this.open.delete(entry.root);
    entry.live.stop();
    entry.deps.store.close();
  }

  /** Roots open now (for tests and the log). */
  get roots(): string[] {
    return [...this.open.keys()];
  }

  closeAll(): void {
    for (const entry of this.open.values()) {
      entry.live.stop();
      entry.deps.store.close();
    }
    this.open.clear();
  }
}

/**
 * The workspace of one server (a stdio connection or an HTTP session): its client's first root.
 * The roots are asked for before the first request after initialization is handled, and again
 * after roots/list_changed, in the context of that request: over HTTP a server's request reaches
 * the client only on the stream of a request in flight (the standalone stream may not be open yet).
 */
export class RootWorkspace {
  private current: OpenWorkspace | undefined;
  /** Why the client's root could not be used, said instead of NO_WORKSPACE. */
  private failure: UserError | undefined;
  /** The client's roots changed (or were never asked for) since the last roots/list. */
  private stale = true;
  private inflight: Promise<void> | undefined;
  private built: BuiltServer | undefined;
  private leaveHub: (() => void) | undefined;

  constructor(private readonly pool: WorkspacePool = new WorkspacePool()) {}

  /** The workspace's engine, or the error that says how to set one. */
  engine(): EngineContext {
    if (!this.current) throw this.failure ?? new UserError(NO_WORKSPACE);
    return this.current.engine;
  }

  get root(): string | undefined {
    return this.current?.root;
  }

  /**
   * Once the client declared roots (at initialize), every later request waits for its current
   * roots. The wait sits between the transport and the protocol, installed as the server connects:
   * a transport may hand over `notifications/initialized` and the next request in one go, before
   * any handler of the notification has run.
   */
  follow(built: BuiltServer): void {
    this.built = built;
    const { server } = built;
    server.server.setNotificationHandler(RootsListChangedNotificationSchema, () => {
      this.stale = true;
    });
    const connect = server.connect.bind(server);
    server.connect = async (transport) => {
      await connect(transport);
      const deliver = transport.onmessage;
      if (!deliver) return;
      transport.onmessage = (message, extra) => {
        const waits =
          isJSONRPCRequest(message) &&
          message.method !== "initialize" &&
          message.method !== "ping" &&
          server.server.getClientCapabilities()?.roots !== undefined;
        if (!waits) return deliver(message, extra);
        void this.sync(server, message.id).then(() => deliver(message, extra));
      };
    };
  }

  /** Resolves once the roots asked for last are in use. */
  ready(): Promise<void> {
    return this.inflight ?? Promise.resolve();
  }

  /** Asks for the roots if they may have changed; never rejects (a failure is kept for the calls). */
  private sync(server: McpServer, relatedRequestId: RequestId): Promise<void> {
    if (this.inflight) return this.inflight.then(() => this.sync(server, relatedRequestId));
    if (!this.stale) return Promise.resolve();
    this.stale = false;
    this.inflight = this.refresh(server, relatedRequestId)
      .catch((error: unknown) => {
        this.use(undefined);
        this.failure =
          error instanceof UserError
            ? error
            : new UserError(
                `cannot use the client's roots: ${error instanceof Error ? error.message : String(error)}`,
              );
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async refresh(server: McpServer, relatedRequestId: RequestId): Promise<void> {
    const { roots } = await server.server.listRoots(undefined, { relatedRequestId });
    const first = roots.find((r) => r.uri.startsWith("file://"));
    const root = first ? fileURLToPath(first.uri) : undefined;
    if (root !== undefined && root === this.current?.root) return;
    this.failure = undefined;
    this.use(root === undefined ? undefined : this.pool.acquire(root));
  }

  /** Moves this server to `next`: its subscriptions and role prompts follow. */
  private use(next: OpenWorkspace | undefined): void {
    const previous = this.current;
    this.leaveHub?.();
    this.leaveHub = undefined;
    this.current = next;
    if (previous) this.pool.release(previous);
    if (next && this.built) this.leaveHub = next.hub.add(this.built.subscriptions);
    this.built?.refreshPrompts();
  }

  close(): void {
    this.leaveHub?.();
    this.leaveHub = undefined;
    if (this.current) this.pool.release(this.current);
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

/** A server whose workspace is its client's first root; closing it leaves that workspace. */
export function createRootsServer(pool: WorkspacePool): BuiltServer {
  const roots = new RootWorkspace(pool);
  const built = createServer({ engine: lazyEngine(() => roots.engine()) }, { ready: () => roots.ready() });
  roots.follow(built);
  return {
    ...built,
    close: async () => {
      try {
        await built.close();
      } finally {
        roots.close();
      }
    },
  };
}
