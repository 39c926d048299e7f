import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  type LoggingMessageNotification,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { validateIteration } from "../../src/engine/validation.js";
import { LiveUpdates } from "../../src/live.js";
import { SubscriptionHub } from "../../src/resources/subscriptions.js";
import type { ServerDeps } from "../../src/server.js";
import { openEngine, type TestClock, textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { itemsWorkspace, startIteration } from "../helpers/items.js";
import { connectInMemory } from "../helpers/mcp.js";
import { writeFiles } from "../helpers/temp.js";

// LiveUpdates (what `baton serve` runs on an interval) driven by hand: each tick is awaited and the
// notifications are awaited through promises their handlers resolve. No sleeps, no timing.

/** Notifications of one kind as they arrive, and promises for the ones still to come. */
class Inbox<T> {
  readonly received: T[] = [];
  private waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  push(item: T): void {
    this.received.push(item);
    const ready = this.waiters.filter((w) => w.match(item));
    this.waiters = this.waiters.filter((w) => !w.match(item));
    for (const w of ready) w.resolve(item);
  }

  /** Resolves with the first notification, already received or still to come, that matches. */
  next(match: (item: T) => boolean): Promise<T> {
    const found = this.received.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

test.override({ files: itemsWorkspace("live-demo", ["a", "b"], { settings: ["stall_minutes: 5"] }) });

let dir: string;
let clock: TestClock;
let deps: ServerDeps;
let engine: EngineContext;
let client: Client;
let closeClient: () => Promise<void>;
let hub: SubscriptionHub;
let updated: Inbox<string>;
let logs: Inbox<LoggingMessageNotification["params"]>;
let runId: string;
let iterationId: string;

test.beforeEach(async ({ dir: workspace, clock: testClock, baton }) => {
  dir = workspace;
  clock = testClock;
  ({ deps, engine } = baton);
  ({ runId, iterationId } = await startIteration(engine, "live-demo"));

  hub = new SubscriptionHub();
  updated = new Inbox();
  logs = new Inbox();
  ({ client, close: closeClient } = await connectInMemory(deps, {
    hub,
    setup: (c) => {
      c.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updated.push(n.params.uri));
      c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
    },
  }));
});
test.afterEach(async () => {
  await closeClient();
});

/** After a ping round trip every notification sent before it has arrived (one ordered transport). */
async function settle(): Promise<void> {
  await client.ping();
}

describe("live updates", () => {
  test("notifies a subscriber of the run when a deliverable is written", async () => {
    const live = new LiveUpdates(deps, hub);
    await client.subscribeResource({ uri: `baton://runs/${runId}` });
    expect(await live.tick()).toEqual([]);
    await settle();
    expect(updated.received).toEqual([]);

    const claim = claimAssignment(engine, { agent: "w1" });
    const file = claim.deliverables?.[0] as string;
    await live.tick(); // the claim (an event-log entry) touches the run
    await settle();
    expect(updated.received).toEqual([`baton://runs/${runId}`]);
    updated.received.length = 0;

    writeFiles(dir, { [file]: textOfSize(120) });
    const arrived = updated.next((uri) => uri === `baton://runs/${runId}`);
    const events = await live.tick();
    expect(events).toEqual([
      {
        kind: "changed",
        run_id: runId,
        iteration_id: iterationId,
        assignment_id: claim.assignment_id,
        paths: [file],
      },
    ]);
    expect(await arrived).toBe(`baton://runs/${runId}`);

    // Nothing changed since: nothing is sent.
    updated.received.length = 0;
    expect(await live.tick()).toEqual([]);
    await settle();
    expect(updated.received).toEqual([]);
  });

  test("sends nothing to a client that did not subscribe to the run", async () => {
    const live = new LiveUpdates(deps, hub);
    await client.subscribeResource({ uri: "baton://runs/some-other-run-1" });
    const claim = claimAssignment(engine, { agent: "w1" });
    writeFiles(dir, { [claim.deliverables?.[0] as string]: textOfSize(120) });
    const events = await live.tick();
    expect(events.map((e) => e.kind)).toEqual(["changed"]);
    await settle();
    expect(updated.received).toEqual([]);
  });

  test("logs a stall as a warning, once", async () => {
    const live = new LiveUpdates(deps, hub);
    await client.subscribeResource({ uri: `baton://runs/${runId}` });
    const claim = claimAssignment(engine, { agent: "w1" });
    await live.tick();
    clock.advanceMinutes(6);
    const warning = logs.next((l) => l.level === "warning");
    const events = await live.tick();
    expect(events.map((e) => e.kind)).toEqual(["stalled"]);
    expect(await warning).toEqual({
      level: "warning",
      logger: "baton",
      data: {
        event: "stalled",
        assignment_id: claim.assignment_id,
        agent: "w1",
        last_change_at: clock.iso(-6),
      },
    });

    clock.advanceMinutes(6);
    expect(await live.tick()).toEqual([]);
    await settle();
    expect(logs.received.filter((l) => l.level === "warning")).toHaveLength(1);
  });

  test("logs completion when an assignment's deliverables are all written", async () => {
    const live = new LiveUpdates(deps, hub);
    const claim = claimAssignment(engine, { agent: "w1" });
    const info = logs.next((l) => l.level === "info");
    writeFiles(dir, { [claim.deliverables?.[0] as string]: textOfSize(250) });
    const events = await live.tick();
    expect(events.map((e) => e.kind)).toEqual(["changed", "completed"]);
    expect(await info).toMatchObject({
      level: "info",
      data: { event: "deliverables_written", assignment_id: claim.assignment_id },
    });
  });

  test("turns state changes by another process into updates of the affected resources", async () => {
    const live = new LiveUpdates(deps, hub);
    const validation = `baton://iterations/${iterationId}/validation`;
    await client.subscribeResource({ uri: validation });
    // Another process sharing the database validates the iteration.
    const other = openEngine(dir, { now: clock.now });
    try {
      expect((await validateIteration(other.engine, { iteration_id: iterationId })).passed).toBe(false);
    } finally {
      other.close();
    }
    const arrived = updated.next((uri) => uri === validation);
    await live.tick();
    expect(await arrived).toBe(validation);
  });
});
