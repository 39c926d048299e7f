import { describe, expect, it } from "vitest";
import { ProgressBars } from "../../src/commands/progress-bars.js";
import type { AssignmentStatus, StatusReport } from "../../src/engine/status.js";
import { Screen } from "../helpers/screen.js";

// The bars replayed on a tiny terminal: log lines stay above the bars, and nothing is left of the
// bars when they stop.

function report(progress: Record<string, number>): StatusReport {
  const assignments = Object.entries(progress).map(
    ([id, p]): AssignmentStatus => ({
      id,
      role: "writer",
      state: "claimed",
      progress: p,
      stalled: false,
      agent: "a",
      attempts: 1,
      deliverables_done: 0,
      deliverables_total: 1,
      elapsed_s: 1,
      last_change_at: null,
    }),
  );
  const iteration = {
    id: "it",
    name: "it",
    state: "generated" as const,
    path: "x",
    progress: 0,
    assignments,
  };
  return {
    runs: [
      { id: "r", workflow: "w", status: "active", inputs: {}, iterations: [iteration], not_created: [] },
    ],
  };
}

describe("progress bars", () => {
  it("keep log lines above the bars and leave nothing behind when stopped", () => {
    const screen = new Screen();
    const bars = new ProgressBars(screen);
    bars.log("started");
    bars.update(report({ a: 0, b: 0 }));
    bars.log("▶ a");
    bars.update(report({ a: 0.5, b: 0.25 }));
    bars.log("✓ a passed");
    bars.update(report({ a: 1, b: 0.5 }));
    const during = screen.text();
    expect(during.slice(0, 3)).toEqual(["started", "▶ a", "✓ a passed"]);
    expect(during.slice(3)).toEqual([
      ` ${"█".repeat(20)} 100% | a claimed`,
      ` ${"█".repeat(10)}${"░".repeat(10)}  50% | b claimed`,
    ]);
    bars.stop();
    screen.write("summary\n");
    expect(screen.text()).toEqual(["started", "▶ a", "✓ a passed", "summary"]);
  });

  it("fit more assignments than the screen has rows", () => {
    const screen = new Screen();
    const bars = new ProgressBars(screen);
    bars.update(report(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`a${i}`, 0.1]))));
    const text = screen.text();
    expect(text).toHaveLength(screen.rows - 2);
    expect(text.at(-1)).toBe("  … and 23 more");
    bars.stop();
    expect(screen.text()).toEqual([]);
  });
});
