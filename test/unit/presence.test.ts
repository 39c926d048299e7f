import { symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { presenceIndex } from "../../src/engine/presence.js";
import { test } from "../helpers/fixtures.js";
import { writeFiles } from "../helpers/temp.js";

// #13.4: which deliverables may exist, from listings of shared folders; a file alone in its folder
// is left to the caller's stat ("may exist"), so one-deliverable folders cost no listing.

describe("presenceIndex", () => {
  test("answers from listings of shared folders and leaves lone files to the stat", ({ dir }) => {
    writeFiles(dir, {
      "notes/a.md": "a",
      "stories/US-1/out.md": "1",
      "stories/US-3/other.md": "x",
    });
    symlinkSync(path.join(dir, "notes"), path.join(dir, "linked"));
    const files = [
      "notes/a.md",
      "notes/b.md",
      "stories/US-1/out.md",
      "stories/US-2/out.md",
      "stories/US-3/out.md",
      "missing/x.md",
      "missing/y.md",
      "linked/a.md",
    ];
    const present = presenceIndex(dir, files);
    expect(files.filter(present)).toEqual([
      "notes/a.md",
      "stories/US-1/out.md",
      // US-3 exists as a folder holding one looked-up file: its stat decides.
      "stories/US-3/out.md",
      // A name that is a link is "may exist": the caller's guarded stat or open judges where it leads.
      "linked/a.md",
    ]);
  });

  test("a file at the workspace root, and a lone file in a folder that does not exist", ({ dir }) => {
    writeFiles(dir, { "README.md": "r" });
    const present = presenceIndex(dir, ["README.md", "CHANGELOG.md", "deep/one/file.md"]);
    expect(present("README.md")).toBe(true);
    expect(present("CHANGELOG.md")).toBe(false);
    // The root listing already says `deep` is missing.
    expect(present("deep/one/file.md")).toBe(false);
  });
});
