import { appendFileSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { attemptUsage, logSize, readLogSince } from "../../src/engine/agents/attempt.js";
import { test } from "../helpers/fixtures.js";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "agent-output");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

let dir: string;
let log: string;
let usageFile: string;
const usageFileLabel = ".baton/usage/it-1__coder-1.2.json";

test.beforeEach(({ dir: workspace }) => {
  dir = workspace;
  log = path.join(dir, "coder-1.log");
  usageFile = path.join(dir, "usage.json");
});

describe("one attempt's output in a log every attempt appends to", () => {
  test("is what the log gained since the attempt started", () => {
    expect(logSize(log)).toBe(0);
    writeFileSync(log, fixture("opencode.log"));
    const start = logSize(log);
    appendFileSync(log, fixture("opencode-error.log"));
    expect(readLogSince(log, start)).toBe(fixture("opencode-error.log"));
    expect(readLogSince(log, logSize(log))).toBe("");
  });

  test("so a second attempt's usage is its own, not the sum with the first", () => {
    writeFileSync(log, fixture("opencode.log"));
    const start = logSize(log);
    appendFileSync(log, fixture("opencode.log").split("\n").slice(3).join("\n"));
    const second = attemptUsage({
      preset: "opencode",
      output: readLogSince(log, start),
      usageFile,
      usageFileLabel,
    });
    expect(second.usage).toMatchObject({ input_tokens: 12 + 10544 + 310, output_tokens: 2210 });
    const both = attemptUsage({
      preset: "opencode",
      output: readLogSince(log, 0),
      usageFile,
      usageFileLabel,
    });
    expect(both.usage?.output_tokens).toBe(186 + 2210 + 2210);
  });

  test("reads nothing through a symlink", () => {
    writeFileSync(path.join(dir, "elsewhere.log"), "secret");
    symlinkSync(path.join(dir, "elsewhere.log"), log);
    expect(logSize(log)).toBe(0);
    expect(readLogSince(log, 0)).toBe("");
  });
});

describe("attempt usage", () => {
  test("a preset's usage comes from what its CLI printed", () => {
    expect(
      attemptUsage({ preset: "codex", output: fixture("codex.log"), usageFile, usageFileLabel }),
    ).toEqual({
      usage: { input_tokens: 31250, output_tokens: 1873, cache_read_tokens: 20480 },
    });
  });

  test("a usage file the launcher wrote wins, also over a preset's output", () => {
    writeFileSync(usageFile, '{"input_tokens":5,"output_tokens":6}');
    expect(
      attemptUsage({ preset: "codex", output: fixture("codex.log"), usageFile, usageFileLabel }),
    ).toEqual({
      usage: { input_tokens: 5, output_tokens: 6 },
    });
  });

  test("a broken usage file is reported as broken, not replaced by the log", () => {
    writeFileSync(usageFile, '{"input_tokens":5}');
    expect(
      attemptUsage({ preset: "codex", output: fixture("codex.log"), usageFile, usageFileLabel }),
    ).toEqual({
      usage: null,
      reason: `${usageFileLabel}.output_tokens is missing, not a non-negative integer`,
    });
  });

  test("a launcher of the user's that wrote nothing is told how to report usage", () => {
    expect(attemptUsage({ output: "done\n", usageFile, usageFileLabel })).toEqual({
      usage: null,
      reason:
        'the launcher reported no usage; it may write {"input_tokens":N,"output_tokens":M,"cost_usd":C} to the file named by BATON_USAGE_FILE',
    });
  });
});
