import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, onTestFinished } from "vitest";
import { unsafePathReason, Workspace } from "../../src/config/workspace.js";
import { resolveTargets } from "../../src/engine/targets.js";
import { UserError } from "../../src/errors.js";
import { test } from "../helpers/fixtures.js";
import { tempDir } from "../helpers/temp.js";

test.override({ files: { "docs/guide/intro.md": "# Intro\n", "stories/US-1.md": "story\n" } });

let root: string;
let outside: string;

test.beforeEach(({ dir, outside: elsewhere }) => {
  root = dir;
  outside = elsewhere;
  writeFileSync(path.join(outside, "secret.md"), "secret\n");
});

function rejection(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error("expected a UserError");
}

describe("Workspace.resolve", () => {
  test("accepts a normal nested path, existing or not", () => {
    const ws = new Workspace(root);
    expect(ws.resolve("docs/guide/intro.md")).toBe(path.join(root, "docs", "guide", "intro.md"));
    expect(ws.resolve("stories/US-1/requirements.md")).toBe(
      path.join(root, "stories", "US-1", "requirements.md"),
    );
    expect(ws.resolve("./docs")).toBe(path.join(root, "docs"));
  });

  test("rejects traversal with `..`, naming the path and what it is", () => {
    const ws = new Workspace(root);
    expect(rejection(() => ws.resolve("../x", "deliverable")).message).toBe(
      "deliverable `../x` contains `..` and could leave the workspace",
    );
    expect(rejection(() => ws.resolve("docs/../../x")).message).toMatch(
      /^path `docs\/\.\.\/\.\.\/x` contains `\.\.`/,
    );
    expect(rejection(() => ws.resolve("docs\\..\\..\\x")).message).toMatch(/contains `\.\.`/);
  });

  test("rejects absolute paths", () => {
    const ws = new Workspace(root);
    expect(rejection(() => ws.resolve("/etc/passwd")).message).toBe(
      "path `/etc/passwd` is absolute; use a path relative to the workspace",
    );
    // Even an absolute path that points inside the workspace: callers give relative paths.
    expect(rejection(() => ws.resolve(path.join(root, "docs"))).message).toMatch(/is absolute/);
    expect(rejection(() => ws.resolve("~/notes.md")).message).toMatch(/is absolute/);
    expect(rejection(() => ws.resolve("C:\\Windows\\win.ini")).message).toMatch(/is absolute/);
  });

  test("rejects a symlink inside the workspace that points outside", () => {
    symlinkSync(outside, path.join(root, "escape"));
    symlinkSync(path.join(outside, "secret.md"), path.join(root, "docs", "secret.md"));
    const ws = new Workspace(root);
    const viaDir = rejection(() => ws.resolve("escape/secret.md", "target"));
    expect(viaDir.message).toBe("target `escape/secret.md` leaves the workspace through a symbolic link");
    expect(rejection(() => ws.resolve("docs/secret.md")).message).toMatch(/through a symbolic link/);
    // A file that does not exist yet below the escaping link is refused too (it would be written outside).
    // Without naming the outside path: it is a path of the machine, not of the workspace.
    const below = rejection(() => ws.resolve("escape/new/report.md")).message;
    expect(below).toBe("path `escape/new/report.md` leaves the workspace through a symbolic link");
    expect(below).not.toContain(outside);
  });

  test("accepts a symlink that stays inside the workspace", () => {
    symlinkSync(path.join(root, "docs"), path.join(root, "docs-link"));
    const ws = new Workspace(root);
    expect(ws.resolve("docs-link/guide/intro.md")).toBe(path.join(root, "docs-link", "guide", "intro.md"));
  });

  test("works when the workspace itself is reached through a symlink", () => {
    const links = tempDir("baton-links-");
    onTestFinished(links.cleanup);
    const linked = path.join(links.dir, "ws");
    symlinkSync(root, linked);
    const ws = new Workspace(linked);
    expect(ws.resolve("docs/guide/intro.md")).toBe(path.join(linked, "docs", "guide", "intro.md"));
    symlinkSync(outside, path.join(root, "escape"));
    expect(rejection(() => ws.resolve("escape/secret.md")).message).toMatch(/through a symbolic link/);
  });

  test("refuses a workspace that does not exist", () => {
    expect(rejection(() => new Workspace(path.join(root, "missing"))).message).toMatch(/does not exist/);
  });

  test("gives workspace-relative paths with forward slashes", () => {
    const ws = new Workspace(root);
    expect(ws.relative(path.join(root, "docs", "guide", "intro.md"))).toBe("docs/guide/intro.md");
  });
});

describe("unsafePathReason", () => {
  test.each([
    ["", "is empty"],
    ["/abs", "is absolute"],
    ["..", "contains `..`"],
    ["a/../b", "contains `..`"],
  ])("%j is unsafe (%s)", (pattern, reason) => {
    expect(unsafePathReason(pattern)).toContain(reason);
  });

  test.each(["stories/*.md", "stories/{story_id}/requirements.md", "a..b/c.md", ".github/x.yml"])(
    "%j is safe",
    (pattern) => {
      expect(unsafePathReason(pattern)).toBeNull();
    },
  );
});

describe("target globs stay inside the workspace", () => {
  test("do not follow a symlinked folder out of the workspace", async () => {
    mkdirSync(path.join(root, "stories", "more"));
    symlinkSync(outside, path.join(root, "stories", "more", "outside"));
    const targets = await resolveTargets(new Workspace(root), ["stories/**/*.md"], {});
    expect(targets.map((t) => t.path)).toEqual(["stories/US-1.md"]);
  });

  test("do not pick up a symlinked file that points outside", async () => {
    symlinkSync(path.join(outside, "secret.md"), path.join(root, "stories", "evil.md"));
    const targets = await resolveTargets(new Workspace(root), ["stories/*.md"], {});
    expect(targets.map((t) => t.path)).toEqual(["stories/US-1.md"]);
  });

  test("refuse a glob that starts outside", async () => {
    await expect(resolveTargets(new Workspace(root), ["../*/secret.md"], {})).rejects.toThrow(
      /contains `\.\.`/,
    );
    await expect(resolveTargets(new Workspace(root), ["/tmp/*.md"], {})).rejects.toThrow(/is absolute/);
  });
});
