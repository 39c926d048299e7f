import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { coversUri, SubscriptionHub } from "../../src/resources/subscriptions.js";
import { type BuiltServer, openDeps, type ServerDeps } from "../../src/server.js";
import { test } from "../helpers/fixtures.js";
import { connectInMemory } from "../helpers/mcp.js";

// Resource subscriptions as every transport (stdio, each HTTP session) uses them: one
// Subscriptions per server, all of a process's servers in one hub for a workspace watcher.

interface Connected {
  built: BuiltServer;
  client: Client;
  /** The URIs of the resources/updated notifications received, in order. */
  updated: string[];
  /** Resolves with the next resources/updated URI. */
  nextUpdate(): Promise<string>;
  listChanged: number;
}

async function connect(deps: ServerDeps, hub: SubscriptionHub): Promise<Connected> {
  const waiting: ((uri: string) => void)[] = [];
  const seen = {
    updated: [] as string[],
    listChanged: 0,
    nextUpdate: () => new Promise<string>((resolve) => waiting.push(resolve)),
  };
  const { client, built } = await connectInMemory(deps, {
    hub,
    setup: (c) => {
      c.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
        seen.updated.push(notification.params.uri);
        waiting.shift()?.(notification.params.uri);
      });
      c.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
        seen.listChanged++;
      });
    },
  });
  return Object.assign(seen, { client, built });
}

describe("resource subscriptions", () => {
  let deps: ServerDeps;
  let hub: SubscriptionHub;
  let open: Connected[];

  test.beforeEach(({ dir }) => {
    deps = openDeps({ workspace: dir });
    hub = new SubscriptionHub();
    open = [];
  });
  test.afterEach(async () => {
    for (const { client, built } of open) {
      await client.close();
      await built.close();
    }
    deps.store.close();
  });

  test("declares subscribe and listChanged", async () => {
    const a = await connect(deps, hub);
    open.push(a);
    expect(a.client.getServerCapabilities()?.resources).toEqual({ subscribe: true, listChanged: true });
  });

  test("notifies a subscribed URI and the URIs below it, not its neighbours", async () => {
    const a = await connect(deps, hub);
    open.push(a);
    await a.client.subscribeResource({ uri: "baton://runs/R1" });
    expect(a.built.subscriptions.subscribed).toEqual(["baton://runs/R1"]);

    const exact = a.nextUpdate();
    await expect(a.built.subscriptions.notifyUpdated("baton://runs/R1")).resolves.toBe(true);
    await expect(exact).resolves.toBe("baton://runs/R1");

    const below = a.nextUpdate();
    await expect(hub.notifyUpdated("baton://runs/R1/iterations/I1/validation")).resolves.toBe(1);
    await expect(below).resolves.toBe("baton://runs/R1/iterations/I1/validation");

    await expect(hub.notifyUpdated("baton://runs/R10")).resolves.toBe(0);
    await expect(hub.notifyUpdated("baton://runs/R2")).resolves.toBe(0);
    expect(a.updated).toEqual(["baton://runs/R1", "baton://runs/R1/iterations/I1/validation"]);
  });

  test("accepts a URI that does not exist yet, and stops notifying after unsubscribe", async () => {
    const a = await connect(deps, hub);
    open.push(a);
    await expect(a.client.subscribeResource({ uri: "test://watched-resource" })).resolves.toEqual({});
    expect(a.built.subscriptions.isSubscribed("test://watched-resource")).toBe(true);
    await expect(a.client.unsubscribeResource({ uri: "test://watched-resource" })).resolves.toEqual({});
    await expect(a.built.subscriptions.notifyUpdated("test://watched-resource")).resolves.toBe(false);
    await expect(a.client.unsubscribeResource({ uri: "baton://never-subscribed" })).resolves.toEqual({});
  });

  test("tells only the clients that subscribed, and forgets a closed server", async () => {
    const a = await connect(deps, hub);
    const b = await connect(deps, hub);
    open.push(a, b);
    expect(hub.size).toBe(2);
    await b.client.subscribeResource({ uri: "baton://workflows" });
    const update = b.nextUpdate();
    await expect(hub.notifyUpdated("baton://workflows")).resolves.toBe(1);
    await expect(update).resolves.toBe("baton://workflows");
    expect(a.updated).toEqual([]);

    await b.client.close();
    await b.built.close();
    open.pop();
    expect(hub.size).toBe(1);
    await expect(hub.notifyUpdated("baton://workflows")).resolves.toBe(0);
    await expect(b.built.subscriptions.notifyUpdated("baton://workflows")).resolves.toBe(false);
  });

  test("sends resources/list_changed to every connected client", async () => {
    const a = await connect(deps, hub);
    open.push(a);
    await expect(hub.notifyListChanged()).resolves.toBe(1);
    await a.client.ping(); // the notification was sent before the ping's answer
    expect(a.listChanged).toBe(1);
  });

  test("keeps the store open when a server closes (the store's owner closes it)", async () => {
    const a = await connect(deps, hub);
    await a.client.close();
    await a.built.close();
    const b = await connect(deps, hub);
    open.push(b);
    const status = await b.client.callTool({ name: "get_status", arguments: {} });
    expect(status.isError ?? false, JSON.stringify(status.content)).toBe(false);
  });

  test("matches URI prefixes at path boundaries", () => {
    expect(coversUri("baton://runs/R1", "baton://runs/R1")).toBe(true);
    expect(coversUri("baton://runs/R1", "baton://runs/R1/iterations/I1")).toBe(true);
    expect(coversUri("baton://runs/", "baton://runs/R1")).toBe(true);
    expect(coversUri("baton://runs/R1", "baton://runs/R10")).toBe(false);
    expect(coversUri("baton://runs/R1/x", "baton://runs/R1")).toBe(false);
  });
});
