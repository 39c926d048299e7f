import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createServer, type ServerDeps } from "../server.js";

/**
 * Serves over stdin/stdout until the client closes stdin or a signal arrives. stdout belongs to
 * the protocol: diagnostics go to stderr.
 */
export async function serveStdio(deps: ServerDeps): Promise<void> {
  const { server, close } = createServer(deps);
  const transport = new StdioServerTransport();
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await close();
  };
  transport.onclose = () => void shutdown();
  process.stdin.on("end", () => void shutdown());
  process.on("SIGINT", () => void shutdown().then(() => process.exit(0)));
  process.on("SIGTERM", () => void shutdown().then(() => process.exit(0)));
  await server.connect(transport);
  process.stderr.write(`baton: serving ${deps.workspace.root} over stdio (database ${deps.store.file})\n`);
}
