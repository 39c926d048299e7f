import type { SubscriptionHub } from "../resources/subscriptions.js";
import { createRootsServer, WorkspacePool } from "../roots.js";
import { type BuiltServer, createServer, type ServerDeps } from "../server.js";
import { GuardedStdioTransport } from "./stdio-transport.js";

export interface StdioOptions {
  /** Where this server's resource subscriptions are registered, for a workspace watcher to notify. */
  hub?: SubscriptionHub;
}

/**
 * Serves over stdin/stdout until the client closes stdin or a signal arrives. stdout belongs to
 * the protocol: diagnostics go to stderr. Owns `deps.store` and closes it on the way out.
 */
export async function serveStdio(deps: ServerDeps, options: StdioOptions = {}): Promise<void> {
  await serveOverStdio(createServer(deps, { hub: options.hub }), () => deps.store.close());
  process.stderr.write(`baton: serving ${deps.workspace.root} over stdio (database ${deps.store.file})\n`);
}

/**
 * `baton serve` over stdio without a configured workspace: the client's first root becomes the
 * workspace once the client answers roots/list; live updates follow it.
 */
export async function serveStdioWithRoots(options: { db?: string; allowCommands?: boolean }): Promise<void> {
  const pool = new WorkspacePool({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  await serveOverStdio(createRootsServer(pool), () => pool.closeAll());
  process.stderr.write("baton: serving over stdio; the workspace is the client's first root\n");
}

/** Connects `built` to stdin/stdout; on end of input or a signal, closes it, then `release`s. */
async function serveOverStdio({ server, close }: BuiltServer, release: () => void): Promise<void> {
  // Not the SDK's transport: it closes on an oversized message instead of answering it.
  const transport = new GuardedStdioTransport();
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    try {
      await close();
    } finally {
      release();
    }
  };
  transport.onclose = () => void shutdown();
  process.stdin.on("end", () => void shutdown());
  process.on("SIGINT", () => void shutdown().then(() => process.exit(0)));
  process.on("SIGTERM", () => void shutdown().then(() => process.exit(0)));
  await server.connect(transport);
}
