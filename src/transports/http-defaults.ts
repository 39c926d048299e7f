import { UserError } from "../errors.js";

// What `baton serve --http` does unless told otherwise, and its HTTP flags read into options. Kept
// apart from http.ts so that the CLI can parse flags without loading the HTTP stack.

/** Loopback only. */
export const DEFAULT_HTTP_PORT = 7766;
export const DEFAULT_HTTP_HOST = "127.0.0.1";
/** Enough for a team's hosts and their reconnects; each session holds an MCP server in memory. */
export const DEFAULT_MAX_SESSIONS = 64;
/** A session with no request for this long is closed, for clients that vanish without DELETE. */
export const DEFAULT_IDLE_MINUTES = 30;

export interface HttpFlags {
  maxSessions?: string;
  idleTimeout?: string;
  allowOrigin?: string[];
}

export interface HttpLimits {
  maxSessions: number;
  idleTimeoutMs: number;
  allowedOrigins: string[];
}

/** The HTTP flags as options, or a UserError naming the flag and what it takes. */
export function httpLimits(flags: HttpFlags): HttpLimits {
  const count = (flag: string, value: string, min: number): number => {
    const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!(n >= min && Number.isSafeInteger(n)))
      throw new UserError(`${flag} takes a whole number from ${min}; got \`${value}\``);
    return n;
  };
  return {
    maxSessions:
      flags.maxSessions === undefined ? DEFAULT_MAX_SESSIONS : count("--max-sessions", flags.maxSessions, 1),
    idleTimeoutMs:
      (flags.idleTimeout === undefined
        ? DEFAULT_IDLE_MINUTES
        : count("--idle-timeout", flags.idleTimeout, 0)) * 60_000,
    allowedOrigins: (flags.allowOrigin ?? []).map(parseOrigin),
  };
}

/** `https://app.example:8443` as the browser sends it in an Origin header; a path or a wildcard is refused. */
function parseOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    !/^https?:\/\/[^/]+\/?$/i.test(value)
  )
    throw new UserError(
      `--allow-origin takes an origin such as http://localhost:5173 (scheme, host and port, no path); got \`${value}\``,
    );
  return url.origin;
}
