import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from "@modelcontextprotocol/sdk/types.js";

/** The server's `resources` capability: clients may subscribe, and the list may change. */
export const RESOURCE_CAPABILITIES = { subscribe: true, listChanged: true } as const;

/** True when `uri` is `subscribed` itself or lies below it (`baton://runs/R1` covers `baton://runs/R1/...`). */
export function coversUri(subscribed: string, uri: string): boolean {
  if (uri === subscribed) return true;
  const parent = subscribed.endsWith("/") ? subscribed : `${subscribed}/`;
  return uri.startsWith(parent);
}

/**
 * The resource subscriptions of one connected client (one MCP server instance): answers
 * `resources/subscribe` and `resources/unsubscribe`, and sends `notifications/resources/updated`
 * only for URIs the client watches. Any URI may be subscribed, including one that does not exist
 * yet (an iteration's VALIDATION.md before validation ran); a subscription covers the URIs below it.
 */
export class Subscriptions {
  private readonly uris = new Set<string>();
  private closed = false;

  constructor(private readonly server: McpServer) {
    server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
      this.uris.add(request.params.uri);
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      this.uris.delete(request.params.uri);
      return {};
    });
  }

  /** The subscribed URIs, in subscription order. */
  get subscribed(): string[] {
    return [...this.uris];
  }

  isSubscribed(uri: string): boolean {
    for (const subscribed of this.uris) if (coversUri(subscribed, uri)) return true;
    return false;
  }

  /**
   * Tells the client that `uri` changed, if it subscribed to it or to a URI above it. Resolves to
   * whether a notification was sent; a client that is gone is not an error.
   */
  async notifyUpdated(uri: string): Promise<boolean> {
    if (this.closed || !this.isSubscribed(uri)) return false;
    return this.send(() => this.server.server.sendResourceUpdated({ uri }));
  }

  /** Tells the client that the resource list changed (a workflow, run or iteration appeared). */
  async notifyListChanged(): Promise<boolean> {
    if (this.closed) return false;
    return this.send(() => this.server.server.sendResourceListChanged());
  }

  /** A log message to the client (`notifications/message`), filtered by the level it set. */
  async log(level: "info" | "warning", data: Record<string, unknown>): Promise<boolean> {
    if (this.closed) return false;
    return this.send(() => this.server.sendLoggingMessage({ level, logger: "baton", data }));
  }

  /** Forgets every subscription; later notifications are not sent. */
  close(): void {
    this.closed = true;
    this.uris.clear();
  }

  private async send(notify: () => Promise<void>): Promise<boolean> {
    if (!this.server.isConnected()) return false;
    try {
      await notify();
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * All live servers' subscriptions in one process (one per stdio server, one per HTTP session),
 * so that a single watcher of the workspace can notify every client.
 */
export class SubscriptionHub {
  private readonly members = new Set<Subscriptions>();

  /** Adds a server's subscriptions; the returned function removes them again. */
  add(subscriptions: Subscriptions): () => void {
    this.members.add(subscriptions);
    return () => {
      this.members.delete(subscriptions);
    };
  }

  get size(): number {
    return this.members.size;
  }

  /** Notifies every client subscribed to `uri` (or above it); resolves to how many were told. */
  async notifyUpdated(uri: string): Promise<number> {
    const sent = await Promise.all([...this.members].map((member) => member.notifyUpdated(uri)));
    return sent.filter(Boolean).length;
  }

  /** Logs to every connected client; resolves to how many were told. */
  async log(level: "info" | "warning", data: Record<string, unknown>): Promise<number> {
    const sent = await Promise.all([...this.members].map((member) => member.log(level, data)));
    return sent.filter(Boolean).length;
  }

  /** Tells every connected client that the resource list changed; resolves to how many were told. */
  async notifyListChanged(): Promise<number> {
    const sent = await Promise.all([...this.members].map((member) => member.notifyListChanged()));
    return sent.filter(Boolean).length;
  }
}
