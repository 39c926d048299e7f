import { execFileSync } from "node:child_process";
import { symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { Workspace } from "../../src/config/workspace.js";
import type { BaseContext } from "../../src/engine/context.js";
import { COUNT_BYTES_LIMIT, iterationReading, READ_LIST_LIMIT } from "../../src/engine/estimate/reading.js";
import { loadTokenizer } from "../../src/engine/tokens.js";
import { test } from "../helpers/fixtures.js";
import { writeFiles } from "../helpers/temp.js";

// The bounds of reading counts: a long read list is listed up to a cap (and summed beyond it), a
// file over the byte limit is estimated from its size without being read, a huge diff is counted
// from its first bytes and extrapolated, and paths that leave the workspace are never read.

function base(overrides: { references?: string[]; diff?: { base: string; head: string } } = {}): BaseContext {
  const diff = overrides.diff;
  return {
    workflow: { name: "w", description: "" },
    run: {
      id: "w-1",
      inputs: {},
      inputs_list: [],
      ...(diff
        ? {
            git_diff: {
              ...diff,
              command: `git diff ${diff.base}...${diff.head}`,
              files: `git diff --name-only ${diff.base}...${diff.head}`,
            },
          }
        : {}),
    },
    iteration: { id: "w-1-i01", name: "it", seq: 1, goal: "", path: "iterations/w-1/01-it", upstream: [] },
    context: { references: overrides.references ?? [], conventions: [], domain: [], non_goals: [] },
    files: { context: "iterations/w-1/01-it/CONTEXT.md", criteria: "", readme: "" },
    learnings: [],
  };
}

describe("reading bounds", () => {
  test("a read list longer than the cap is listed up to it and summed beyond", async ({ dir }) => {
    const files: Record<string, string> = {};
    for (let i = 0; i < READ_LIST_LIMIT + 10; i++) files[`up/f${i}.md`] = `# File ${i}\n`;
    writeFiles(dir, files);
    const count = await loadTokenizer();
    const reading = await iterationReading(new Workspace(dir), base(), "# Context\n", count);
    const r = reading.forAssignment({
      targets: [],
      upstream: [{ name: "up", goal: "", files: Object.keys(files), more: 0 }],
    });
    expect(r.items).toHaveLength(READ_LIST_LIMIT);
    expect(r.unlisted?.items).toBe(11); // CONTEXT.md is the first listed item
    const all = count("# Context\n") + Object.values(files).reduce((s, t) => s + count(t), 0);
    expect(r.tokens).toBe(all);
    expect(r.items.reduce((s, i) => s + i.tokens, 0) + (r.unlisted?.tokens ?? 0)).toBe(all);
  });

  test("a file over the byte limit is estimated from its size, not read", async ({ dir }) => {
    writeFileSync(path.join(dir, "huge.log"), Buffer.alloc(COUNT_BYTES_LIMIT + 4, 0x61));
    const reading = await iterationReading(
      new Workspace(dir),
      base({ references: ["huge.log"] }),
      "",
      await loadTokenizer(),
    );
    const item = reading.shared.find((i) => i.path === "huge.log");
    expect(item).toEqual({
      path: "huge.log",
      kind: "reference",
      tokens: (COUNT_BYTES_LIMIT + 4) / 4,
      note: `${COUNT_BYTES_LIMIT + 4} bytes: estimated at 4 bytes per token, not read`,
    });
  });

  test("a diff over the byte limit is counted from its first bytes and extrapolated", async ({ dir }) => {
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir });
    writeFiles(dir, { "a.txt": "start\n" });
    git("init", "-q", "--initial-branch=main");
    git("add", "-A");
    git("commit", "-qm", "start");
    const line = `${"word ".repeat(19)}end\n`; // 100 bytes
    writeFileSync(path.join(dir, "a.txt"), line.repeat(Math.ceil((COUNT_BYTES_LIMIT * 1.5) / line.length)));
    git("commit", "-qam", "big");
    const count = await loadTokenizer();
    const reading = await iterationReading(
      new Workspace(dir),
      base({ diff: { base: "HEAD~1", head: "HEAD" } }),
      "",
      count,
    );
    const item = reading.shared.find((i) => i.kind === "diff");
    expect(item?.note).toMatch(/^\d+ bytes: the first 4194304 counted, the rest estimated at the same rate$/);
    const exact = count(
      execFileSync("git", ["diff", "HEAD~1...HEAD", "--"], {
        cwd: dir,
        encoding: "utf8",
        maxBuffer: 64 << 20,
      }),
    );
    // Uniform text: the extrapolation lands within 1% of the exact count.
    expect(Math.abs((item?.tokens ?? 0) - exact) / exact).toBeLessThan(0.01);
  });

  test("references that leave the workspace, by path or through a link, are not read", async ({ dir }) => {
    symlinkSync("/etc/hostname", path.join(dir, "linked.md"));
    const reading = await iterationReading(
      new Workspace(dir),
      base({ references: ["../outside.md", "/etc/passwd", "linked.md"] }),
      "",
      await loadTokenizer(),
    );
    expect(reading.missingReferences).toEqual(["../outside.md", "/etc/passwd", "linked.md"]);
    expect(reading.shared.map((i) => i.path)).toEqual(["iterations/w-1/01-it/CONTEXT.md"]);
  });
});
