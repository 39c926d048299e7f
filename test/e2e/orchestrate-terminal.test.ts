import { existsSync } from "node:fs";
import { describe, expect } from "vitest";
import { orchestrateCommand } from "../../src/commands/orchestrate.js";
import { STAND_IN_AGENT } from "../../src/config/package-paths.js";
import { openEngine } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { Screen } from "../helpers/screen.js";

// orchestrate with progress bars on a tiny terminal, agents being the demo's stand-in (spawned
// from dist/): every attempt's result is a whole log line, and no bar is left on the screen.

const BAR = /[█░]/;

test.override({ example: true });

describe("orchestrate in a terminal", () => {
  test("prints every attempt's result above the bars and clears them before the summary", async ({ dir }) => {
    expect(existsSync(STAND_IN_AGENT), `${STAND_IN_AGENT} is missing: run npm run build`).toBe(true);
    const { engine, close } = openEngine(dir);
    const screen = new Screen();
    try {
      const code = await orchestrateCommand(
        engine,
        {
          workflow: "user-story-refinement",
          launcher: `'${process.execPath}' '${STAND_IN_AGENT}'`,
          parallel: 4,
          intervalS: 0.01,
          tty: true,
          stream: screen,
        },
        { log: (line) => screen.write(`${line}\n`), error: (line) => screen.write(`${line}\n`) },
      );
      expect(code).toBe(0);
    } finally {
      close();
    }
    const text = screen.text();
    expect(text.filter((l) => BAR.test(l))).toEqual([]);
    const launched = text.filter((l) => l.includes("▶ ")).length;
    const results = text.filter((l) => /^ {2}[✓✗] .* exited /.test(l));
    expect(results).toHaveLength(launched);
    expect(results.some((l) => l.includes("rework queued"))).toBe(true);
    const summary = text.findIndex((l) => /^iteration +state +assignments/.test(l));
    expect(summary).toBeGreaterThan(0);
    expect(text.slice(summary).some((l) => /completed: every iteration passed validation/.test(l))).toBe(
      true,
    );
  });
});
