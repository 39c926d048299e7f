import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidTokenError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { requireBearerAuth } from "@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js";
import { createMcpExpressApp } from "@modelcontextprotocol/sdk/server/express.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { NextFunction, Request, Response } from "express";
import { UserError } from "../errors.js";
import type { SubscriptionHub } from "../resources/subscriptions.js";
import { createRootsServer, WorkspacePool } from "../roots.js";
import { type BuiltServer, createServer, type ServerDeps } from "../server.js";

import {
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  DEFAULT_IDLE_MINUTES,
  DEFAULT_MAX_SESSIONS,
} from "./http-defaults.js";

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
   * A session with no request for this long is closed (an open SSE stream does not keep it), for
   * clients that vanish without DELETE. Default 30 minutes; 0 keeps sessions until DELETE or shutdown.
   */
  idleTimeoutMs?: number;
  /** Sessions open at once; an initialize beyond them is answered 503. Default 64. */
  maxSessions?: number;
  /**
   * Browser origins allowed besides the server's own (http://localhost:PORT, http://127.0.0.1:PORT,
   * http://[::1]:PORT and the bound host), e.g. `http://localhost:5173` for a web app in development.
   */
  allowedOrigins?: readonly string[];
  /** Milliseconds since the epoch; tests pass a clock they move. */
  now?: () => number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = DEFAULT_IDLE_MINUTES * 60_000;

export interface HttpHandle {
  /** The endpoint, e.g. http://127.0.0.1:7766/mcp. */
  url: string;
  port: number;
  /** Sessions open now. */
  readonly sessions: number;
  /** Closes the sessions idle past the timeout now (a timer also does every minute); resolves with how many. */
  reapIdle(): Promise<number>;
  /** Stops listening and closes every session; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  built: BuiltServer;
  /** POST and DELETE requests in flight. */
  busy: number;
  /** When the last POST or DELETE began or ended. */
  lastSeen: number;
  ended?: Promise<void>;
}

/** `::1` → `[::1]`: the form a host takes in a URL and in a Host header. */
function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host.toLowerCase();
}

/** The port of a Host header; undefined when it does not parse. */
function hostPort(authority: string): number | undefined {
  try {
    const url = new URL(`http://${authority}`);
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
    return url.port ? Number(url.port) : 80;
  } catch {
    return undefined;
  }
}

/** An Origin header as `scheme://host[:port]`, for comparing with the allowed ones; undefined when it is not one. */
function normalOrigin(origin: string): string | undefined {
  if (!/^https?:\/\/[^/]+$/i.test(origin)) return undefined;
  try {
    return new URL(origin).origin;
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
  code = -32000,
): void {
  if (res.headersSent) return;
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

/** The dashboard shows one workspace; sessions following their clients' roots may each have another. */
const DASHBOARD_NEEDS_WORKSPACE =
  "Not found: the dashboard needs one workspace; start `baton serve --http --workspace <dir>` (without one, each MCP session works in its client's first root)";

/**
 * Streamable HTTP: one MCP server per session (created at `initialize`, ended by DELETE, by idling
 * past the timeout, or by shutdown), all sessions over the one store and workspace in `deps`.
 * Built on the SDK's Express app, which checks the Host name against DNS rebinding; Baton adds
 * the port of that Host, the Origin, and then the SDK's bearer-token check when a token is set.
 * Given a WorkspacePool instead of a workspace, each session works in its client's first root (roots.ts).
 */
export async function startHttp(deps: ServerDeps | WorkspacePool, options: HttpOptions): Promise<HttpHandle> {
  const sessions = new Map<string, Session>();
  const now = options.now ?? Date.now;
  const allowedNames = [...new Set([...LOOPBACK_NAMES, urlHost(options.host)])];
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  /** Sessions being created by an initialize in flight: they count against the cap too. */
  let opening = 0;
  let port = options.port;
  let allowedOrigins = new Set<string>();
  let closing = false;

  /** Closes a session's server once; closing it closes its transport (and its streams), which calls back here. */
  const endSession = (session: Session): Promise<void> => {
    if (session.ended) return session.ended;
    const id = session.transport.sessionId;
    if (id !== undefined && sessions.get(id) === session) sessions.delete(id);
    session.ended = Promise.resolve();
    session.ended = session.built.close();
    return session.ended;
  };

  const reapIdle = async (): Promise<number> => {
    if (idleTimeoutMs <= 0) return 0;
    const cutoff = now() - idleTimeoutMs;
    const idle = [...sessions.values()].filter((session) => session.busy === 0 && session.lastSeen <= cutoff);
    await Promise.all(idle.map(endSession));
    return idle.length;
  };

  /**
   * Counts a POST or DELETE against its session until its response is finished or the connection
   * drops. A GET only opens a stream for the server to speak on: listening is not activity.
   */
  const track = (session: Session, req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === "GET") return;
    session.busy++;
    session.lastSeen = now();
    res.once("close", () => {
      session.busy--;
      session.lastSeen = now();
    });
  };

  /** Baton's rules on top of the SDK's Host name check: the Host's port, the Origin, CORS, shutdown. */
  const guard = (req: Request, res: Response, next: NextFunction): void => {
    if (hostPort(req.headers.host ?? "") !== port) {
      sendJsonError(res, 403, `Forbidden: Host header \`${req.headers.host ?? ""}\` is not this server`);
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const normal = normalOrigin(origin);
      if (normal === undefined || !allowedOrigins.has(normal)) {
        sendJsonError(
          res,
          403,
          `Forbidden: Origin \`${origin}\` is not allowed (start the server with --allow-origin ${normal ?? "<origin>"} to allow it)`,
        );
        return;
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
      return;
    }
    if (closing) {
      sendJsonError(res, 503, "Service Unavailable: the server is shutting down", { Connection: "close" });
      return;
    }
    next();
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
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
      track(session, req, res);
      await session.transport.handleRequest(req, res, req.body);
      return;
    }
    if (req.method !== "POST") {
      sendJsonError(res, 400, "Bad Request: Mcp-Session-Id header is required");
      return;
    }
    if (sessions.size + opening >= maxSessions && (await reapIdle()) === 0) {
      sendJsonError(
        res,
        503,
        `Service Unavailable: ${maxSessions} sessions are open, the most this server allows (--max-sessions); end one with DELETE or try again later`,
        { "Retry-After": "60" },
      );
      return;
    }
    // No session yet: only an initialize request may open one. The SDK transport checks that;
    // when it answered with an error no session was made, and the server is dropped again.
    opening++;
    const built =
      deps instanceof WorkspacePool ? createRootsServer(deps) : createServer(deps, { hub: options.hub });
    const session: Session = {
      built,
      busy: 0,
      lastSeen: now(),
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
    try {
      await built.server.connect(session.transport);
      track(session, req, res);
      await session.transport.handleRequest(req, res, req.body);
    } finally {
      opening--;
    }
    if (session.transport.sessionId === undefined) await endSession(session);
  };

  const app = createMcpExpressApp({ host: options.host, allowedHosts: allowedNames });
  app.disable("x-powered-by");
  app.use(guard);
  if (options.token) {
    const token = options.token;
    app.use(
      MCP_PATH,
      requireBearerAuth({
        verifier: {
          verifyAccessToken: async (given) => {
            if (!sameSecret(given, token))
              throw new InvalidTokenError(
                "the bearer token is not valid: send Authorization: Bearer <BATON_TOKEN>",
              );
            // A static token does not expire; the SDK wants an expiry, so it is always an hour ahead.
            return {
              token: given,
              clientId: "baton",
              scopes: [],
              expiresAt: Math.floor(now() / 1000) + 3600,
            };
          },
        },
      }),
    );
  }
  app.all(MCP_PATH, (req, res) =>
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`baton: http ${req.method} ${req.url}: ${String(error)}\n`);
      sendJsonError(res, 500, "Internal server error");
    }),
  );
  // The web dashboard at `/` (src/dashboard), loaded on its first request so MCP start-up stays lean.
  let dashboard: Promise<import("../dashboard/server.js").Dashboard> | undefined;
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (deps instanceof WorkspacePool) {
      sendJsonError(res, 404, DASHBOARD_NEEDS_WORKSPACE);
      return;
    }
    dashboard ??= import("../dashboard/server.js").then((m) =>
      m.createDashboard(deps, { token: options.token, hostNames: [...allowedNames], port: () => port }),
    );
    dashboard.then((d) => d.handle(req, res)).then((handled) => (handled ? undefined : next()), next);
  });
  app.use((_req: Request, res: Response) => {
    sendJsonError(res, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);
  });
  // The SDK app parses JSON bodies before Baton sees them: its errors become JSON-RPC errors here.
  app.use((error: { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.type === "entity.too.large")
      sendJsonError(res, 413, "Payload Too Large: a message to this server is at most 100 KB");
    else if (error.type === "entity.parse.failed")
      sendJsonError(res, 400, "Parse error: Invalid JSON", {}, -32700);
    else sendJsonError(res, error.status ?? 500, `Bad request (${error.type ?? "error"})`);
  });

  const http = createHttpServer(app);

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
  allowedOrigins = new Set(
    [...allowedNames.map((name) => `http://${name}:${port}`), ...(options.allowedOrigins ?? [])].map(
      (origin) => new URL(origin).origin,
    ),
  );

  const sweeper =
    idleTimeoutMs > 0
      ? setInterval(() => void reapIdle(), Math.min(idleTimeoutMs, 60_000)).unref()
      : undefined;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost(options.host)}:${port}${MCP_PATH}`,
    port,
    get sessions() {
      return sessions.size;
    },
    reapIdle,
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
export async function serveHttp(deps: ServerDeps | WorkspacePool, options: HttpOptions): Promise<HttpHandle> {
  const closeState = () => (deps instanceof WorkspacePool ? deps.closeAll() : deps.store.close());
  let handle: HttpHandle;
  try {
    handle = await startHttp(deps, options);
  } catch (error) {
    closeState();
    throw error;
  }
  const auth = options.token ? "bearer token required" : "no token (set BATON_TOKEN to require one)";
  const where =
    deps instanceof WorkspacePool
      ? `each session's first root (${auth})`
      : `${deps.workspace.root} (database ${deps.store.file}; ${auth})`;
  process.stderr.write(`baton: serving ${handle.url} for ${where}\n`);
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
      .finally(closeState)
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
