import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { Workspace } from "../../src/config/workspace.js";
import { FileCache } from "../../src/engine/validate/files.js";
import { UserError } from "../../src/errors.js";
import { test } from "../helpers/fixtures.js";
import { writeFiles } from "../helpers/temp.js";

// #13.4: validate, freshness and guarded reads open first and then verify the opened descriptor
// (/proc/self/fd), instead of a realpath walk before the open. The symlink guarantee is unchanged:
// nothing outside the workspace is ever read, however the link is placed or when it appears.

/** What every link out points at: a secret no read through the workspace may return. */
test.beforeEach(({ outside }) => {
  writeFileSync(path.join(outside, "secret.md"), "# Secret\n\nTOP SECRET\n");
});

function readVia(ws: Workspace, relative: string): string | undefined {
  const fd = ws.openInside(relative);
  if (fd === undefined) return undefined;
  try {
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

describe("open-then-verify reads (Workspace.openInside)", () => {
  test("reads a plain file and a link that stays inside", ({ dir }) => {
    writeFiles(dir, { "docs/a.md": "# A\n" });
    symlinkSync(path.join(dir, "docs"), path.join(dir, "docs-link"));
    const ws = new Workspace(dir);
    expect(readVia(ws, "docs/a.md")).toBe("# A\n");
    expect(readVia(ws, "docs-link/a.md")).toBe("# A\n");
  });

  test("refuses a file that links out, and a file below a folder that links out", ({ dir, outside }) => {
    writeFiles(dir, { "docs/a.md": "# A\n" });
    symlinkSync(path.join(outside, "secret.md"), path.join(dir, "docs", "secret.md"));
    symlinkSync(outside, path.join(dir, "escape"));
    const ws = new Workspace(dir);
    expect(readVia(ws, "docs/secret.md")).toBeUndefined();
    expect(readVia(ws, "escape/secret.md")).toBeUndefined();
  });

  test("refuses `..` and absolute paths before touching the disk; a missing file is ENOENT", ({ dir }) => {
    const ws = new Workspace(dir);
    expect(() => ws.openInside("../x.md")).toThrow(UserError);
    expect(() => ws.openInside("/etc/passwd")).toThrow(UserError);
    expect(() => ws.openInside("nope.md")).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });

  test("judges the descriptor actually opened: a file reached by a link swapped in is refused", ({
    dir,
    outside,
  }) => {
    // Whatever happened to the path before the open, the check is on what was opened: a descriptor
    // of a file outside (what a link swapped in just before the open would give) is not held.
    writeFiles(dir, { "in.md": "inside\n" });
    const ws = new Workspace(dir);
    const outsideFd = openSync(path.join(outside, "secret.md"), "r");
    const insideFd = openSync(path.join(dir, "in.md"), "r");
    try {
      expect(ws.holds(outsideFd)).toBe(false);
      expect(ws.holds(insideFd)).toBe(true);
    } finally {
      closeSync(outsideFd);
      closeSync(insideFd);
    }
  });

  test("readText refuses a target swapped for a link out between two reads", ({ dir, outside }) => {
    writeFiles(dir, { "stories/US-1.md": "story\n" });
    const ws = new Workspace(dir);
    expect(ws.readText("stories/US-1.md")).toBe("story\n");
    renameSync(path.join(dir, "stories"), path.join(dir, "stories-old"));
    symlinkSync(outside, path.join(dir, "stories"));
    writeFileSync(path.join(outside, "US-1.md"), "OUTSIDE\n");
    expect(() => ws.readText("stories/US-1.md")).toThrow(
      "file `stories/US-1.md` leaves the workspace through a symbolic link",
    );
  });
});

describe("validation reads keep the symlink guarantee", () => {
  test("a deliverable linking out, or below a linked folder, fails without its content being read", ({
    dir,
    outside,
  }) => {
    writeFiles(dir, { "out/good.md": "# Good\n" });
    symlinkSync(path.join(outside, "secret.md"), path.join(dir, "out", "leak.md"));
    symlinkSync(outside, path.join(dir, "linked"));
    const cache = new FileCache(new Workspace(dir));
    expect(cache.get("out/good.md").text()).toBe("# Good\n");
    for (const file of ["out/leak.md", "linked/secret.md"]) {
      const facts = cache.get(file);
      expect(facts.exists).toBe(false);
      expect(facts.problem).toBe(`${file}: file \`${file}\` leaves the workspace through a symbolic link`);
      expect(facts.contentSettled).toBe(true);
      expect(() => facts.text()).toThrow();
    }
  });

  test("a deliverable swapped for a link out after a first validation is refused on the next", ({
    dir,
    outside,
  }) => {
    writeFiles(dir, { "out/report.md": "# Report\n" });
    const ws = new Workspace(dir);
    expect(new FileCache(ws).get("out/report.md").exists).toBe(true);
    renameSync(path.join(dir, "out", "report.md"), path.join(dir, "out", "old.md"));
    symlinkSync(path.join(outside, "secret.md"), path.join(dir, "out", "report.md"));
    const facts = new FileCache(ws).get("out/report.md");
    expect(facts.exists).toBe(false);
    expect(facts.problem).toContain("leaves the workspace through a symbolic link");
  });

  test("a missing file, a folder and a path with `..` get their own reasons", ({ dir }) => {
    mkdirSync(path.join(dir, "folder"));
    const cache = new FileCache(new Workspace(dir));
    expect(cache.get("missing.md").problem).toBe("missing.md: file does not exist");
    expect(cache.get("folder").problem).toBe("folder: is a directory, not a file");
    expect(cache.get("../x.md").problem).toBe(
      "../x.md: file `../x.md` contains `..` and could leave the workspace",
    );
  });
});
