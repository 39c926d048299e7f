import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes temp-then-rename so a reader never sees half a file and a killed process leaves the old
 * one. Unchanged content is not rewritten: regeneration is idempotent down to the mtime, which
 * keeps monitoring and scope checks quiet.
 */
export function writeFileAtomic(file: string, content: string): boolean {
  if (existsSync(file) && readFileSync(file, "utf8") === content) return false;
  const temp = tempFileFor(file);
  try {
    writeFileSync(temp, content);
  } catch (error) {
    // The folder is usually there already; creating it only when missing saves a call per file.
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, content);
  }
  renameSync(temp, file);
  return true;
}

/** Temp names differ by process (pid) and, within one, by a counter from a random start: no random draw per file. */
let tempCounter = randomBytes(4).readUInt32BE(0);

/** A temp file beside `file`: `<file>.<pid>.<8 hex>.tmp`, the form recovery.ts cleans up after a crash. */
export function tempFileFor(file: string): string {
  tempCounter = (tempCounter + 1) >>> 0;
  return `${file}.${process.pid}.${tempCounter.toString(16).padStart(8, "0")}.tmp`;
}
