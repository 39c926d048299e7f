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
  // Folders by slicing at each `/` (paths are relative and normalized): a get_status of 10,000
  // deliverables spends its time here and in the lookups below, so no dirname or split per file.
  const below = new Map<string, number>();
  for (const file of files) {
    for (let end = file.lastIndexOf("/"); ; end = file.lastIndexOf("/", end - 1)) {
      const key = end <= 0 ? "" : file.slice(0, end);
      below.set(key, (below.get(key) ?? 0) + 1);
      if (end <= 0) break;
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
    for (let start = 0; ; ) {
      if ((below.get(dir) ?? 0) < 2) return true;
      const end = file.indexOf("/", start);
      if (!list(dir)?.has(end < 0 ? file.slice(start) : file.slice(start, end))) return false;
      if (end < 0) return true;
      dir = file.slice(0, end);
      start = end + 1;
    }
  };
}
