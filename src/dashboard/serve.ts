import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { UserError } from "../errors.js";
import type { ServerDeps } from "../server.js";
import { createDashboard, LOOPBACK_NAMES } from "./server.js";

export interface DashboardHandle {
  /** The page's address with the token in its fragment: the fragment never reaches a server or a log. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * `baton dashboard`: the web view alone on 127.0.0.1. Without BATON_TOKEN it makes a token for this
 * process, so another local user or a web page cannot drive the workspace through it.
 */
export async function startDashboard(
  deps: ServerDeps,
  options: { port: number; token?: string },
): Promise<DashboardHandle> {
  const token = options.token || randomBytes(24).toString("base64url");
  let port = options.port;
  const dashboard = createDashboard(deps, { token, hostNames: LOOPBACK_NAMES, port: () => port });
  const http = createServer((req, res) => {
    dashboard
      .handle(req, res)
      .then((handled) => {
        if (!handled && !res.headersSent) {
          res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
          res.end("Not found: the dashboard is at /\n");
        }
      })
      .catch((error: unknown) => {
        process.stderr.write(`baton: dashboard ${req.method} ${req.url}: ${String(error)}\n`);
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: "Internal server error" }));
      });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new UserError(
              `port ${options.port} is in use; pick another with --port, or --port 0 for a free one`,
            )
          : error,
      ),
    );
    http.listen(options.port, "127.0.0.1", resolve);
  });
  port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    port,
    close: async () => {
      dashboard.close();
      const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await stopped;
    },
  };
}
