import type { SubscriptionHub } from "../resources/subscriptions.js";
import { createServer, type ServerDeps } from "../server.js";
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
  const { server, close } = createServer(deps, { hub: options.hub });
  // Not the SDK's transport: it closes on an oversized message instead of answering it.
  const transport = new GuardedStdioTransport();
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    try {
      await close();
    } finally {
      deps.store.close();
    }
  };
  transport.onclose = () => void shutdown();
  process.stdin.on("end", () => void shutdown());
  process.on("SIGINT", () => void shutdown().then(() => process.exit(0)));
  process.on("SIGTERM", () => void shutdown().then(() => process.exit(0)));
  await server.connect(transport);
  process.stderr.write(`baton: serving ${deps.workspace.root} over stdio (database ${deps.store.file})\n`);
}
