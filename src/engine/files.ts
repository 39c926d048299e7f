import { createHash, randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
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

/**
 * `writeFileAtomic` for a text made of pieces (a manifest of ten thousand assignments): the pieces
 * are written as they come, so the whole text is never held; unchanged content (compared by hash
 * with the file there) leaves the file and its mtime alone.
 */
export function writeFileAtomicFrom(file: string, pieces: Iterable<string>): boolean {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = tempFileFor(file);
  // Only a file already there is compared (a first generation's manifest has none to match).
  const hash = existsSync(file) ? createHash("sha256") : undefined;
  const fd = openSync(temp, "w");
  try {
    let batch = "";
    for (const piece of pieces) {
      batch += piece;
      if (batch.length < WRITE_BATCH) continue;
      hash?.update(batch);
      writeSync(fd, batch);
      batch = "";
    }
    hash?.update(batch);
    writeSync(fd, batch);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  if (hash && existsSync(file) && hashOfFile(file) === hash.digest("hex")) {
    rmSync(temp, { force: true });
    return false;
  }
  renameSync(temp, file);
  return true;
}

/** Characters written at once by `writeFileAtomicFrom`. */
const WRITE_BATCH = 256 * 1024;

function hashOfFile(file: string): string {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const fd = openSync(file, "r");
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

/**
 * The text of `JSON.stringify(object, null, 2)` in pieces: the array under `key` one element at a
 * time (each turned into what is written by `item` only when its turn comes), everything else as
 * it is. Strings in JSON hold no raw newline, so indenting an element's own text gives exactly the
 * nested form.
 */
export function* indentedJsonPieces<K extends string, T>(
  object: Record<string, unknown> & Record<K, readonly T[]>,
  key: K,
  item: (value: T, index: number) => unknown,
): Generator<string> {
  const items = object[key];
  // As JSON.stringify does, keys whose value is undefined are left out.
  const keys = Object.keys(object).filter((name) => name === key || object[name] !== undefined);
  yield "{";
  for (const [k, name] of keys.entries()) {
    yield `${k === 0 ? "" : ","}\n  ${JSON.stringify(name)}: `;
    if (name !== key) {
      yield JSON.stringify(object[name], null, 2).replaceAll("\n", "\n  ");
      continue;
    }
    if (items.length === 0) {
      yield "[]";
      continue;
    }
    yield "[";
    for (const [i, value] of items.entries())
      yield `${i === 0 ? "" : ","}\n    ${JSON.stringify(item(value, i), null, 2).replaceAll("\n", "\n    ")}`;
    yield "\n  ]";
  }
  yield keys.length === 0 ? "}" : "\n}";
}

/** Temp names differ by process (pid) and, within one, by a counter from a random start: no random draw per file. */
let tempCounter = randomBytes(4).readUInt32BE(0);

/** A temp file beside `file`: `<file>.<pid>.<8 hex>.tmp`, the form recovery.ts cleans up after a crash. */
export function tempFileFor(file: string): string {
  tempCounter = (tempCounter + 1) >>> 0;
  return `${file}.${process.pid}.${tempCounter.toString(16).padStart(8, "0")}.tmp`;
}
