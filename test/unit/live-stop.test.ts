import { afterEach, describe, expect, vi } from "vitest";
import { LiveUpdates } from "../../src/live.js";
import { SubscriptionHub } from "../../src/resources/subscriptions.js";
import { openEngine } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";

// #12.11: live updates belong to the store they poll; once it is closed they stop instead of
// printing "The database connection is not open" every interval forever.

const cleanups: (() => void)[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("live updates", () => {
  test("stop polling when the store closes", async ({ dir }) => {
    const { deps, close } = openEngine(dir);
    vi.useFakeTimers();
    const live = new LiveUpdates(deps, new SubscriptionHub());
    live.start(10);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    cleanups.push(() => stderr.mockRestore());
    await vi.advanceTimersByTimeAsync(25);
    close();
    await vi.advanceTimersByTimeAsync(100);
    expect(stderr.mock.calls.map((c) => String(c[0])).filter((t) => t.includes("live updates"))).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
