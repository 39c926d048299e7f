import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createEngine } from "../engine/engine.js";
import { ConfigError, UserError } from "../errors.js";
import type { ServerDeps } from "../server.js";
import { StoreError } from "../store/api.js";
import { ChangeWatch, listRuns, revalidate, review, runView, setLearningEnabled } from "./state.js";

/** How often the dashboard looks for changes while a browser listens: well inside the 2 s promise. */
export const DASHBOARD_POLL_MS = 1000;

/** Host names a local browser may use whatever address the server is bound to. */
export const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

export interface DashboardOptions {
  /** When set, every API request must carry `Authorization: Bearer <token>` (the page sends it). */
  token?: string;
  /** Host names accepted in Host and Origin headers, e.g. the loopback names. */
  hostNames: readonly string[];
  /** The port the server listens on (known only once it listens). */
  port: () => number;
}

export interface Dashboard {
  /** Answers a request for the dashboard (`/`, `/assets/*`, `/api/*`); false when the path is not its own. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Ends open event streams and the change watch; the store stays open. */
  close(): void;
}

const ASSETS: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/assets/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/assets/app.css": { file: "app.css", type: "text/css; charset=utf-8" },
};

/** The built web view (esbuild output of src/dashboard/ui in dist/dashboard/web, written by `npm run build`). */
function readAsset(file: string): Buffer {
  return readFileSync(new URL(`../../dist/dashboard/web/${file}`, import.meta.url));
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function hostnameAndPort(authority: string): { hostname: string; port: number } | undefined {
  try {
    const url = new URL(`http://${authority}`);
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
    return { hostname: url.hostname, port: url.port ? Number(url.port) : 80 };
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent) return;
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  // Under `serve --http` the SDK's Express app has parsed JSON bodies already.
  const parsed = (req as { body?: unknown }).body;
  if (parsed !== undefined) return parsed;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new UserError("request body is larger than 16 KB");
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new UserError("request body is not JSON");
  }
}

/** The body of POST /api/iterations/{id}/review, checked field by field: a bad one names what is valid. */
function reviewBody(body: unknown): Parameters<typeof review>[2] {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (b.decision !== "approve" && b.decision !== "reject")
    throw new UserError(
      'send {"decision": "approve"} or {"decision": "reject"}, with optional reviewer, notes and criteria',
    );
  const text = (key: string): string | undefined => {
    const value = b[key];
    if (value === undefined) return undefined;
    if (typeof value !== "string") throw new UserError(`\`${key}\` must be a string`);
    return value;
  };
  const criteria = b.criteria;
  if (criteria !== undefined && !Array.isArray(criteria))
    throw new UserError(
      '`criteria` must be a list of {"criterion": "...", "ok": true|false, "note"?: "..."}',
    );
  return {
    decision: b.decision,
    reviewer: text("reviewer"),
    notes: text("notes"),
    criteria: criteria?.map((c: unknown) => {
      const item = (typeof c === "object" && c !== null ? c : {}) as Record<string, unknown>;
      if (typeof item.criterion !== "string" || typeof item.ok !== "boolean")
        throw new UserError('each of `criteria` is {"criterion": "...", "ok": true|false, "note"?: "..."}');
      return {
        criterion: item.criterion,
        ok: item.ok,
        ...(typeof item.note === "string" ? { note: item.note } : {}),
      };
    }),
  };
}

const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

/**
 * The web dashboard over one workspace: static assets, a JSON API that reads and acts through
 * ./state.ts, and a server-sent event stream that says when to fetch again. Guards every request
 * as the MCP endpoint does: Host and Origin against DNS rebinding, then the bearer token.
 */
export function createDashboard(deps: ServerDeps, options: DashboardOptions): Dashboard {
  const engine = createEngine(deps);
  const names = new Set(options.hostNames);
  const streams = new Set<ServerResponse>();
  let watch: ChangeWatch | undefined;
  let timer: NodeJS.Timeout | undefined;

  const look = () => {
    try {
      if (watch?.changed()) for (const res of streams) res.write("event: change\ndata: {}\n\n");
    } catch (error) {
      process.stderr.write(`baton: dashboard: ${String(error)}\n`);
    }
  };
  const startWatching = () => {
    watch ??= new ChangeWatch(engine);
    timer ??= setInterval(look, DASHBOARD_POLL_MS).unref();
  };
  const stopWatchingIfIdle = () => {
    if (streams.size > 0 || !timer) return;
    clearInterval(timer);
    timer = undefined;
  };

  /** Host, Origin, token: answers and returns false when the request is not allowed. */
  const admit = (req: IncomingMessage, res: ServerResponse, needsToken: boolean): boolean => {
    const host = hostnameAndPort(req.headers.host ?? "");
    if (!host || !names.has(host.hostname) || host.port !== options.port()) {
      sendJson(res, 403, {
        error: `Forbidden: Host header \`${req.headers.host ?? ""}\` is not this server`,
      });
      return false;
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const authority = /^https?:\/\/([^/]+)$/i.exec(origin)?.[1];
      const parsed = authority ? hostnameAndPort(authority) : undefined;
      if (!parsed || !names.has(parsed.hostname) || parsed.port !== options.port()) {
        sendJson(res, 403, { error: `Forbidden: Origin \`${origin}\` is not allowed` });
        return false;
      }
    }
    if (needsToken && options.token) {
      const given = req.headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (given === undefined || !sameSecret(given, options.token)) {
        sendJson(
          res,
          401,
          {
            error:
              "Unauthorized: open the dashboard with the link `baton dashboard` printed (it carries the token)",
          },
          { "WWW-Authenticate": 'Bearer realm="baton"' },
        );
        return false;
      }
    }
    return true;
  };

  const api = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const method = req.method ?? "GET";
    if (method === "GET" && path === "/api/runs") return sendJson(res, 200, listRuns(engine));
    const run = /^\/api\/runs\/([^/]+)$/.exec(path);
    if (method === "GET" && run?.[1]) return sendJson(res, 200, runView(engine, decodeURIComponent(run[1])));
    if (method === "GET" && path === "/api/events") {
      res.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-store",
        Connection: "keep-alive",
      });
      res.write(": baton dashboard events\n\n");
      streams.add(res);
      startWatching();
      res.once("close", () => {
        streams.delete(res);
        stopWatchingIfIdle();
      });
      return;
    }
    if (method === "POST" && req.headers["content-type"]?.split(";")[0]?.trim() !== "application/json") {
      return sendJson(res, 415, { error: "POST bodies must be application/json" });
    }
    const revalidateMatch = /^\/api\/iterations\/([^/]+)\/revalidate$/.exec(path);
    if (method === "POST" && revalidateMatch?.[1]) {
      await readJson(req);
      const result = await revalidate(engine, decodeURIComponent(revalidateMatch[1]));
      look();
      return sendJson(res, 200, result);
    }
    const reviewMatch = /^\/api\/iterations\/([^/]+)\/review$/.exec(path);
    if (method === "POST" && reviewMatch?.[1]) {
      const result = review(engine, decodeURIComponent(reviewMatch[1]), reviewBody(await readJson(req)));
      look();
      return sendJson(res, 200, result);
    }
    const learning = /^\/api\/learnings\/([^/]+)\/([^/]+)$/.exec(path);
    if (method === "POST" && learning?.[1] && learning[2]) {
      const body = (await readJson(req)) as { enabled?: unknown };
      if (typeof body.enabled !== "boolean")
        throw new UserError('send {"enabled": true} or {"enabled": false}');
      setLearningEnabled(
        engine,
        decodeURIComponent(learning[1]),
        decodeURIComponent(learning[2]),
        body.enabled,
      );
      look();
      return sendJson(res, 200, { enabled: body.enabled });
    }
    sendJson(res, 404, { error: `Not found: ${method} ${path}` });
  };

  return {
    async handle(req, res) {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const asset = req.method === "GET" || req.method === "HEAD" ? ASSETS[path] : undefined;
      if (!asset && !path.startsWith("/api/")) return false;
      if (!admit(req, res, asset === undefined)) return true;
      if (asset) {
        res.writeHead(200, { "Content-Type": asset.type, "Cache-Control": "no-cache", ...SECURITY_HEADERS });
        res.end(req.method === "HEAD" ? undefined : readAsset(asset.file));
        return true;
      }
      try {
        await api(req, res, path);
      } catch (error) {
        if (error instanceof UserError || error instanceof ConfigError || error instanceof StoreError) {
          sendJson(res, 400, { error: error.message });
        } else throw error;
      }
      return true;
    },
    close() {
      for (const res of streams) res.end();
      streams.clear();
      stopWatchingIfIdle();
    },
  };
}
