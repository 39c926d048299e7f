import { createEngine, type EngineContext } from "./engine/engine.js";
import type { LiveMonitor, MonitorEvent } from "./engine/monitor.js";
import { eventsAfter, lastEventId } from "./engine/queries.js";
import type { SubscriptionHub } from "./resources/subscriptions.js";
import type { ServerDeps } from "./server.js";
import { iterationUri, runUri } from "./uris.js";

/** How often `baton serve` looks at deliverables and the event log. */
export const LIVE_INTERVAL_MS = 2000;

/** Event-log kinds that change what a resource shows, and the resources they touch. */
function urisFor(kind: string, runId: string | null, iterationId: string | null): string[] {
  const run = runId ? [runUri(runId)] : [];
  const it = iterationId ?? undefined;
  switch (kind) {
    case "prompts_generated":
      return it
        ? [...run, iterationUri(it, "manifest"), iterationUri(it, "context"), iterationUri(it, "prompts")]
        : run;
    case "validated":
      return it ? [...run, iterationUri(it, "validation"), iterationUri(it, "feedback")] : run;
    case "feedback":
      return it ? [iterationUri(it, "feedback")] : [];
    default:
      return run;
  }
}

// Validation and reviews write VALIDATION.md and rework prompts: new entries of resources/list.
const LIST_CHANGES = new Set([
  "run_created",
  "iteration_created",
  "prompts_generated",
  "task_decomposed",
  "validated",
  "reviewed",
]);

/**
 * Keeps subscribed clients current while `baton serve` runs: deliverable changes, stalls and
 * completions (from the files, through LiveMonitor) and state changes made by any process sharing
 * the database (from the event log) become `notifications/resources/updated`, list changes and
 * MCP log messages. Polling, not fs events: it sees other processes' writes and network file systems alike.
 */
export class LiveUpdates {
  private readonly engine: EngineContext;
  private monitor: LiveMonitor | undefined;
  private lastEvent: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    deps: ServerDeps,
    private readonly hub: SubscriptionHub,
  ) {
    this.engine = createEngine(deps);
    this.lastEvent = lastEventId(this.engine);
  }

  /** One look: resolves when every notification of it was sent. */
  async tick(): Promise<MonitorEvent[]> {
    const sends: Promise<unknown>[] = [];
    // Several changes in one look often touch the same resource: each is announced once.
    const updated = new Set<string>();
    // The monitor and the checks it runs load on the first look, not while the server starts.
    this.monitor ??= new (await import("./engine/monitor.js")).LiveMonitor(this.engine);
    // The store may have closed with its server while the module loaded.
    if (!this.engine.store.isOpen) return [];
    const changes = this.monitor.tick();
    for (const event of changes) {
      updated.add(runUri(event.run_id));
      if (event.kind === "stalled") {
        sends.push(
          this.hub.log("warning", {
            event: "stalled",
            assignment_id: event.assignment_id,
            agent: event.agent,
            last_change_at: event.since,
          }),
        );
      } else if (event.kind === "completed") {
        sends.push(
          this.hub.log("info", { event: "deliverables_written", assignment_id: event.assignment_id }),
        );
      }
    }
    let listChanged = false;
    for (const event of eventsAfter(this.engine, this.lastEvent)) {
      this.lastEvent = event.id;
      for (const uri of urisFor(event.kind, event.run_id, event.iteration_id)) updated.add(uri);
      listChanged ||= LIST_CHANGES.has(event.kind);
    }
    for (const uri of updated) sends.push(this.hub.notifyUpdated(uri));
    if (listChanged) sends.push(this.hub.notifyListChanged());
    await Promise.all(sends);
    return changes;
  }

  start(intervalMs = LIVE_INTERVAL_MS): void {
    let running = false;
    this.timer = setInterval(() => {
      // The store closes with the server it belongs to; polling a closed store would fail forever.
      if (!this.engine.store.isOpen) return this.stop();
      if (running) return;
      running = true;
      this.tick()
        .catch((error: unknown) => process.stderr.write(`baton: live updates: ${String(error)}\n`))
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
