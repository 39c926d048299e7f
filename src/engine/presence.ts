import { readdirSync } from "node:fs";
import path from "node:path";

/**
 * Whether workspace files may exist, answered without a system call per missing file (#13.4). A
 * folder that several of the looked-up files lie below is listed once, and a file is absent when
 * a listing on its way lacks the next name; a file alone in its folder (`stories/US-7/out.md`) is
 * left to the `stat` or `open` that follows — listing 10,000 one-file folders cost twice what
 * 10,000 stats do. Early in a run most deliverables (and their folders) do not exist yet.
 * `true` means "may exist": the caller's own guarded stat or open decides. Lives for one look.
 */
export function presenceIndex(root: string, files: Iterable<string>): (file: string) => boolean {
  const below = new Map<string, number>();
  for (const file of files) {
    let dir = path.posix.dirname(file);
    for (;;) {
      const key = dir === "." ? "" : dir;
      below.set(key, (below.get(key) ?? 0) + 1);
      if (key === "") break;
      dir = path.posix.dirname(dir);
    }
  }
  const listings = new Map<string, Set<string> | null>();
  const list = (dir: string): Set<string> | null => {
    let names = listings.get(dir);
    if (names === undefined) {
      try {
        names = new Set(readdirSync(path.join(root, dir)));
      } catch {
        names = null; // no folder: nothing below it exists
      }
      listings.set(dir, names);
    }
    return names;
  };
  return (file) => {
    let dir = "";
    for (const part of file.split("/")) {
      if ((below.get(dir) ?? 0) < 2) return true;
      if (!list(dir)?.has(part)) return false;
      dir = dir ? `${dir}/${part}` : part;
    }
    return true;
  };
}
