import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { UserError } from "../errors.js";
import type { SubscriptionHub } from "../resources/subscriptions.js";
import { type BuiltServer, createServer, type ServerDeps } from "../server.js";

import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from "./http-defaults.js";

export { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT };
export const MCP_PATH = "/mcp";

/** Host names a local client may use whatever address the server is bound to. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

export interface HttpOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to bind, e.g. 127.0.0.1 (the default), ::1, or a name such as localhost. */
  host: string;
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Where each session's resource subscriptions are registered, for a workspace watcher to notify. */
  hub?: SubscriptionHub;
  /**
   * A session with no request and no open stream for this long is closed, for clients that vanish
   * without DELETE. Default 30 minutes; 0 keeps sessions until DELETE or shutdown.
   */
  idleTimeoutMs?: number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60_000;

export interface HttpHandle {
  /** The endpoint, e.g. http://127.0.0.1:7766/mcp. */
  url: string;
  port: number;
  /** Sessions open now. */
  readonly sessions: number;
  /** Stops listening and closes every session; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  built: BuiltServer;
  /** Requests (including SSE streams) in flight. */
  active: number;
  lastSeen: number;
  ended?: Promise<void>;
}

/** Counts a request against its session until the response is finished or the connection drops. */
function track(session: Session, res: ServerResponse): void {
  session.active++;
  session.lastSeen = Date.now();
  res.once("close", () => {
    session.active--;
    session.lastSeen = Date.now();
  });
}

/** `::1` → `[::1]`: the form a host takes in a URL and in a Host header. */
function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host.toLowerCase();
}

/** hostname and port of a Host header or an origin's authority; undefined when it does not parse. */
function parseAuthority(
  authority: string,
  defaultPort: number,
): { hostname: string; port: number } | undefined {
  try {
    const url = new URL(`http://${authority}`);
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
    return { hostname: url.hostname, port: url.port ? Number(url.port) : defaultPort };
  } catch {
    return undefined;
  }
}

/** Compares secrets without leaking their contents or lengths through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function sendJsonError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

/**
 * Streamable HTTP: one MCP server per session (created at `initialize`, ended by DELETE or
 * shutdown), all sessions over the one store and workspace in `deps`. Guards every request in this
 * order: path, Host and Origin against DNS rebinding, then the bearer token.
 */
export async function startHttp(deps: ServerDeps, options: HttpOptions): Promise<HttpHandle> {
  const sessions = new Map<string, Session>();
  const allowedNames = new Set([...LOOPBACK_NAMES, urlHost(options.host)]);
  let port = options.port;
  let closing = false;

  /** Closes a session's server once; closing it closes its transport, which calls back here. */
  const endSession = (session: Session): Promise<void> => {
    if (session.ended) return session.ended;
    const id = session.transport.sessionId;
    if (id !== undefined && sessions.get(id) === session) sessions.delete(id);
    session.ended = Promise.resolve();
    session.ended = session.built.close();
    return session.ended;
  };

  /** Rejects a request that is not for us; answers it and returns false. */
  const admit = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== MCP_PATH) {
      sendJsonError(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);
      return false;
    }
    const host = parseAuthority(req.headers.host ?? "", 80);
    if (!host || !allowedNames.has(host.hostname) || host.port !== port) {
      sendJsonError(res, 403, `Forbidden: Host header \`${req.headers.host ?? ""}\` is not this server`);
      return false;
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const match = /^https?:\/\/([^/]+)$/i.exec(origin);
      const authority = match?.[1] ? parseAuthority(match[1], 80) : undefined;
      if (!authority || !allowedNames.has(authority.hostname)) {
        sendJsonError(res, 403, `Forbidden: Origin \`${origin}\` is not allowed`);
        return false;
      }
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
      res.setHeader(
        "Access-Control-Expose-Headers",
        "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate",
      );
    }
    if (req.method === "OPTIONS") {
      // CORS preflight: browsers send it without credentials.
      res.writeHead(204, {
        "Access-Control-Allow-Methods": "GET, POST, DELETE",
        "Access-Control-Allow-Headers":
          "Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID",
        "Access-Control-Max-Age": "600",
      });
      res.end();
      return false;
    }
    if (options.token) {
      const header = req.headers.authorization;
      const given = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (given === undefined || !sameSecret(given, options.token)) {
        const challenge =
          header === undefined
            ? 'Bearer realm="baton"'
            : 'Bearer realm="baton", error="invalid_token", error_description="the bearer token is not valid"';
        sendJsonError(res, 401, "Unauthorized: send Authorization: Bearer <BATON_TOKEN>", {
          "WWW-Authenticate": challenge,
        });
        return false;
      }
    }
    return true;
  };

  // The web dashboard at `/` (src/dashboard), loaded on its first request so MCP start-up stays lean.
  let dashboard: Promise<import("../dashboard/server.js").Dashboard> | undefined;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if ((req.url ?? "/").split("?")[0] !== MCP_PATH) {
      dashboard ??= import("../dashboard/server.js").then((m) =>
        m.createDashboard(deps, { token: options.token, hostNames: [...allowedNames], port: () => port }),
      );
      if (await (await dashboard).handle(req, res)) return;
    }
    if (!admit(req, res)) return;
    if (closing) {
      sendJsonError(res, 503, "Service Unavailable: the server is shutting down", { Connection: "close" });
      return;
    }
    if (req.method !== "GET" && req.method !== "POST" && req.method !== "DELETE") {
      sendJsonError(res, 405, `Method Not Allowed: ${req.method}`, { Allow: "GET, POST, DELETE, OPTIONS" });
      return;
    }
    const sessionHeader = req.headers["mcp-session-id"];
    const sessionId = Array.isArray(sessionHeader) ? sessionHeader[0] : sessionHeader;
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (!session) {
        sendJsonError(res, 404, "Session not found: initialize a new session");
        return;
      }
      track(session, res);
      await session.transport.handleRequest(req, res);
      return;
    }
    if (req.method !== "POST") {
      sendJsonError(res, 400, "Bad Request: Mcp-Session-Id header is required");
      return;
    }
    // No session yet: only an initialize request may open one. The SDK transport checks that;
    // when it answered with an error no session was made, and the server is dropped again.
    const built = createServer(deps, { hub: options.hub });
    const session: Session = {
      built,
      active: 0,
      lastSeen: Date.now(),
      transport: new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, session);
        },
      }),
    };
    session.transport.onclose = () => {
      void endSession(session);
    };
    await built.server.connect(session.transport);
    track(session, res);
    await session.transport.handleRequest(req, res);
    if (session.transport.sessionId === undefined) await endSession(session);
  };

  const http = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`baton: http ${req.method} ${req.url}: ${String(error)}\n`);
      sendJsonError(res, 500, "Internal server error");
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      http.off("listening", onListening);
      reject(
        error.code === "EADDRINUSE"
          ? new UserError(
              `port ${options.port} on ${options.host} is in use; pick another with --port, or --port 0 for a free one`,
            )
          : error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND" || error.code === "EAI_AGAIN"
            ? new UserError(`cannot listen on ${options.host}: no such local address (${error.code})`)
            : error,
      );
    };
    const onListening = () => {
      http.off("error", onError);
      resolve();
    };
    http.once("error", onError);
    http.once("listening", onListening);
    http.listen(options.port, options.host);
  });
  port = (http.address() as AddressInfo).port;

  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const sweeper =
    idleTimeoutMs > 0
      ? setInterval(
          () => {
            const now = Date.now();
            for (const session of sessions.values())
              if (session.active === 0 && now - session.lastSeen > idleTimeoutMs) void endSession(session);
          },
          Math.min(idleTimeoutMs, 60_000),
        ).unref()
      : undefined;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost(options.host)}:${port}${MCP_PATH}`,
    port,
    get sessions() {
      return sessions.size;
    },
    close: () => {
      closed ??= (async () => {
        closing = true;
        clearInterval(sweeper);
        void dashboard?.then((d) => d.close());
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        await Promise.all([...sessions.values()].map((session) => endSession(session)));
        http.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

/**
 * `baton serve --http`: listens, prints the URL to stderr, and on SIGINT/SIGTERM closes every
 * session, the listener and the store (which this function owns from here on).
 */
export async function serveHttp(deps: ServerDeps, options: HttpOptions): Promise<HttpHandle> {
  let handle: HttpHandle;
  try {
    handle = await startHttp(deps, options);
  } catch (error) {
    deps.store.close();
    throw error;
  }
  const auth = options.token ? "bearer token required" : "no token (set BATON_TOKEN to require one)";
  process.stderr.write(
    `baton: serving ${handle.url} for ${deps.workspace.root} (database ${deps.store.file}; ${auth})\n`,
  );
  if (!LOOPBACK_NAMES.includes(urlHost(options.host)) && !options.token) {
    process.stderr.write(
      `baton: warning: ${options.host} is not a loopback address and no BATON_TOKEN is set; anyone who can reach it can drive Baton\n`,
    );
  }
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    handle
      .close()
      .finally(() => deps.store.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`baton: shutdown: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  return handle;
}
