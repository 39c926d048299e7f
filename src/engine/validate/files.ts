import { closeSync, fstatSync, readSync } from "node:fs";
import type { Workspace } from "../../config/workspace.js";
import { UserError } from "../../errors.js";

/** Content checks read at most this much of one file; a larger file fails them with a clear reason. */
export const MAX_CONTENT_BYTES = 32 * 1024 * 1024;

/** A parse outcome cached on the file, so the implicit format check and a schema check parse once. */
export type Parsed = { ok: true; value: unknown } | { ok: false; problem: string };

/** What one validation run knows about one file. Each file is opened and read at most once per run. */
export class FileFacts {
  /** Decoded text (UTF-8, leading BOM removed); set when content was read. */
  private decoded: string | undefined;
  /** Memoized parses (JSON, YAML, Markdown tree) for the checks that share them. */
  private memo: Map<string, unknown> | undefined;

  constructor(
    readonly file: string,
    /** Why the file cannot be checked (missing, a directory, outside the workspace), or undefined. */
    readonly problem: string | undefined,
    readonly size: number,
    content: string | undefined,
  ) {
    this.decoded = content?.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  }

  get exists(): boolean {
    return this.problem === undefined;
  }

  /** Why the content cannot be checked (the file is missing or too large), or undefined. */
  get contentProblem(): string | undefined {
    if (this.problem !== undefined) return this.problem;
    if (this.size > MAX_CONTENT_BYTES) {
      return `${this.file}: ${this.size} bytes is too large to check its content (the limit is ${MAX_CONTENT_BYTES} bytes)`;
    }
    return undefined;
  }

  /** Whether the content is at hand (or cannot be, which `contentProblem` explains). */
  get contentSettled(): boolean {
    return this.decoded !== undefined || this.contentProblem !== undefined;
  }

  /** The file's text; only call when `contentProblem` is undefined. */
  text(): string {
    if (this.decoded === undefined) throw new Error(`${this.file} was measured but not read`);
    return this.decoded;
  }

  /** Drops the text and parses once no further check needs them (a run over many files stays small). */
  release(): void {
    this.decoded = undefined;
    this.memo = undefined;
  }

  /** A value computed once per file and run (parse trees, parse outcomes). */
  cached<T>(key: string, compute: () => T): T {
    this.memo ??= new Map();
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute();
    this.memo.set(key, value);
    return value;
  }
}

/** Most deliverables fit in one read into this buffer, which saves an fstat and an allocation per file. */
const SCRATCH = Buffer.allocUnsafe(64 * 1024);

/** What one guarded read of a file found: why it cannot be checked, its size, its text when read. */
export interface FileRead {
  problem?: string;
  size: number;
  content?: string;
}

/**
 * Opens `file` through `Workspace.openInside` (so no file outside the workspace is read, not even
 * through a symbolic link; a FIFO fails instead of blocking) and reads it: `content` reads it whole
 * (one read for files up to 64 KiB), `measure` only measures it, and `first-read` (the read-ahead's
 * worker, whose memory must stay small) gives up on a file larger than one read: undefined.
 */
export function readFacts(workspace: Workspace, file: string, want: "content" | "measure"): FileRead;
export function readFacts(workspace: Workspace, file: string, want: "first-read"): FileRead | undefined;
export function readFacts(
  workspace: Workspace,
  file: string,
  want: "content" | "measure" | "first-read",
): FileRead | undefined {
  let fd: number | undefined;
  try {
    fd = workspace.openInside(file, "file");
  } catch (error) {
    return {
      problem:
        error instanceof UserError
          ? `${file}: ${error.message}`
          : readProblem(file, error as NodeJS.ErrnoException),
      size: 0,
    };
  }
  if (fd === undefined)
    return { problem: `${file}: file \`${file}\` leaves the workspace through a symbolic link`, size: 0 };
  try {
    if (want !== "measure") {
      const n = readSync(fd, SCRATCH, 0, SCRATCH.length, 0);
      if (n < SCRATCH.length) return { size: n, content: SCRATCH.toString("utf8", 0, n) };
      if (want === "first-read") return undefined;
    }
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { problem: `${file}: is a directory, not a file`, size: 0 };
    if (!stat.isFile()) return { problem: `${file}: is not a regular file`, size: 0 };
    if (want === "measure" || stat.size > MAX_CONTENT_BYTES) return { size: stat.size };
    const content = readAll(fd, stat.size);
    return { size: content.length, content: content.toString("utf8") };
  } catch (error) {
    return { problem: readProblem(file, error as NodeJS.ErrnoException), size: 0 };
  } finally {
    closeSync(fd);
  }
}

/** Files already read on another thread (read-ahead.ts): a read, or undefined to read it here. */
export interface ReadSource {
  take(file: string): FileRead | undefined;
}

/**
 * Reads each file at most once per validation run (see `readFacts`). A file whose content some
 * check needs is read once; other files are only measured. Files the validation's read-ahead
 * (read-ahead.ts) already read on another thread are taken from it instead.
 */
export class FileCache {
  private readonly facts = new Map<string, FileFacts>();

  constructor(
    private readonly workspace: Workspace,
    private readonly readAhead?: ReadSource,
  ) {}

  get(file: string, wantContent = true): FileFacts {
    let facts = this.facts.get(file);
    if (facts && (!wantContent || facts.contentSettled)) return facts;
    const read =
      this.readAhead?.take(file) ?? readFacts(this.workspace, file, wantContent ? "content" : "measure");
    facts = new FileFacts(file, read.problem, read.size, read.content);
    this.facts.set(file, facts);
    return facts;
  }
}

function readProblem(file: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
    case "ENOTDIR":
      return `${file}: file does not exist`;
    case "EISDIR":
      return `${file}: is a directory, not a file`;
    case "ESPIPE": // a FIFO or socket: positioned reads fail on it
      return `${file}: is not a regular file`;
    case "EACCES":
    case "EPERM":
      return `${file}: cannot be read (permission denied)`;
    default:
      return `${file}: cannot be read (${error.code ?? error.message})`;
  }
}

/** Reads `size` bytes (or until end of file, if it shrank meanwhile). */
function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let offset = 0;
  while (offset < size) {
    const n = readSync(fd, buffer, offset, size - offset, offset);
    if (n === 0) break;
    offset += n;
  }
  return offset === size ? buffer : buffer.subarray(0, offset);
}
