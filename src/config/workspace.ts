import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import { PACKAGE_ROOT } from "./package-paths.js";

/**
 * The directory Baton works on. Every target, deliverable and output path goes through here so
 * that nothing is read or written outside it, including through symbolic links.
 */
export class Workspace {
  readonly root: string;
  private readonly realRoot: string;
  /** `root` with one trailing separator. */
  private readonly rootSlash: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.rootSlash = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
    if (!existsSync(this.root)) throw new UserError(`workspace ${this.root} does not exist`);
    this.realRoot = realpathSync.native(this.root);
  }

  /** Resolves a workspace-relative path; rejects absolute paths, `..` escapes and symlink escapes. */
  resolve(relative: string, what = "path"): string {
    const absolute = this.lexical(relative, what);
    const real = realpathOfExisting(absolute);
    // The link's destination is not named: it may be a path of the machine outside the workspace.
    if (!isInside(this.realRoot, real)) throw new UserError(leavesThroughLink(what, relative));
    return absolute;
  }

  /** The absolute path of a workspace-relative one, checked without touching the disk (no `..`, not absolute). */
  private lexical(relative: string, what: string): string {
    // Most paths are plain (validation asks once per deliverable): nothing to resolve or reject.
    if (path.sep === "/" && PLAIN_RELATIVE.test(relative)) return this.rootSlash + relative;
    checkRelativePattern(relative, what);
    const absolute = path.resolve(this.root, relative);
    if (!isInside(this.root, absolute)) {
      throw new UserError(`${what} \`${relative}\` leaves the workspace ${this.root}`);
    }
    return absolute;
  }

  /**
   * Opens a workspace file for reading and then verifies where the opened descriptor really points
   * (open-then-verify): a link out of the workspace, a linked parent folder or a link swapped in at
   * any moment is caught on the file actually opened, with one `open` and one `readlink` instead of
   * a `realpath` walk before the open. Returns the descriptor (the caller closes it), or undefined
   * when the opened file lies outside the workspace. Open errors (ENOENT, EISDIR…) are thrown as
   * they come; a path that leaves the workspace lexically throws a UserError. Where the OS cannot
   * name a descriptor's file (no /proc), the path is resolved before the open instead.
   */
  openInside(relative: string, what = "file"): number | undefined {
    const fd = openSync(FD_LINKS ? this.lexical(relative, what) : this.resolve(relative, what), OPEN_FLAGS);
    if (this.holds(fd)) return fd;
    closeSync(fd);
    return undefined;
  }

  /** `resolve` for paths agents write or read as work (targets, deliverables, output folders): never in `.git/` or `.baton/`. */
  resolveForAgents(relative: string, what = "path"): string {
    const reason = reservedPathReason(relative);
    if (reason) throw new UserError(`${what} \`${relative}\` ${reason}`);
    return this.resolve(relative, what);
  }

  /**
   * Reads a workspace file as text through one guarded open: the path is checked as `resolve` does,
   * then the opened file itself must lie inside the workspace, so a link swapped in between cannot
   * leak a file from outside. Throws UserError when missing, not a regular file or too large.
   */
  readText(relative: string, options: { maxBytes?: number; what?: string } = {}): string {
    const what = options.what ?? "file";
    return readGuarded(
      // Where the opened descriptor is verified, the path needs only the lexical check here.
      FD_LINKS ? this.lexical(relative, what) : this.resolve(relative, what),
      [this.realRoot],
      `${what} \`${relative}\``,
      options.maxBytes,
    );
  }

  /**
   * `stat` of a workspace file that does not follow a link out of the workspace: undefined when the
   * file is missing, not a regular file, or a link leaving the workspace. As cheap as a stat for
   * plain files (monitoring stats every deliverable); folders were confined when paths were resolved.
   */
  statFile(relative: string): Stats | undefined {
    const absolute =
      path.sep === "/" && PLAIN_RELATIVE.test(relative)
        ? this.rootSlash + relative
        : path.join(this.root, relative);
    const stat = lstatSync(absolute, { throwIfNoEntry: false });
    if (!stat?.isSymbolicLink()) return stat?.isFile() ? stat : undefined;
    try {
      if (!isInside(this.realRoot, realpathSync.native(absolute))) return undefined;
      const target = statSync(absolute);
      return target.isFile() ? target : undefined;
    } catch {
      return undefined; // a dangling link is a missing file
    }
  }

  /**
   * Whether an open descriptor's file really lies inside the workspace, for readers with their own
   * open (validation): a link swapped in after `resolve` is caught. Where the OS cannot say
   * (no /proc), `resolve` before the open is the check.
   */
  holds(fd: number): boolean {
    return !FD_LINKS || isInside(this.realRoot, openedPath(fd));
  }

  /** Whether an absolute path really (links resolved) lies inside the workspace. */
  contains(absolute: string): boolean {
    return isInside(this.root, absolute) && isInside(this.realRoot, realpathOfExisting(absolute));
  }

  /** The workspace's real path (links resolved), for guarded reads. */
  get realPath(): string {
    return this.realRoot;
  }

  /** The workspace-relative form of an absolute path inside it, with forward slashes. */
  relative(absolute: string): string {
    return path.relative(this.root, absolute).split(path.sep).join("/");
  }

  get batonDir(): string {
    return path.join(this.root, ".baton");
  }
}

/** Why a relative path or glob pattern is unsafe, or null when it stays inside the workspace. */
export function unsafePathReason(pattern: string): string | null {
  if (pattern.trim() === "") return "is empty";
  if (path.isAbsolute(pattern) || /^[A-Za-z]:[\\/]/.test(pattern) || pattern.startsWith("~")) {
    return "is absolute; use a path relative to the workspace";
  }
  if (pattern.split(/[\\/]+/).includes("..")) return "contains `..` and could leave the workspace";
  return null;
}

/** Folders git and Baton own: no agent writes, targets or plans anything there. */
export const RESERVED_DIRS = [".git", ".baton"] as const;

/**
 * Why a path or pattern points into `.git/` or `.baton/` (at any depth: a nested repository's hooks
 * run too), or null. Agents writing there could plant hooks or overwrite Baton's state and config.
 */
export function reservedPathReason(pattern: string): string | null {
  // Most paths name neither folder: they are not split to find out (generate asks per deliverable).
  if (!RESERVED_DIRS.some((dir) => pattern.includes(dir))) return null;
  const hit = pattern.split(/[\\/]+/).find((part) => (RESERVED_DIRS as readonly string[]).includes(part));
  return hit
    ? `is inside \`${hit}/\`, which belongs to ${hit === ".git" ? "git" : "Baton"}; choose a path outside \`.git/\` and \`.baton/\``
    : null;
}

function checkRelativePattern(relative: string, what: string): void {
  const reason = unsafePathReason(relative);
  if (reason) throw new UserError(`${what} \`${relative}\` ${reason}`);
}

function leavesThroughLink(what: string, relative: string): string {
  return `${what} \`${relative}\` leaves the workspace through a symbolic link`;
}

/** Raised by `readGuarded` for a file over its size limit, so callers can word it for their file kind. */
export class FileTooLargeError extends UserError {
  constructor(
    display: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${display} is ${size} bytes; at most ${limit} bytes are read`);
    this.name = "FileTooLargeError";
  }
}

/**
 * A relative path that `path.resolve` leaves as it is and `unsafePathReason` accepts: segments
 * separated by single `/`, none starting with `.` (so no `.` or `..`), and no `\\`, `:` or leading `~`.
 */
const PLAIN_RELATIVE = /^[^/\\:.~\s][^/\\:]*(?:\/[^/\\:.][^/\\:]*)*$/;

/** Non-blocking, so a FIFO planted where a file should be fails to read instead of hanging the server. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
/** Linux names an open descriptor's file here; elsewhere the path is resolved before it is opened. */
const FD_LINKS = existsSync("/proc/self/fd") ? "/proc/self/fd" : undefined;
let realPackageRoot: string | undefined;

/**
 * The real path of an open descriptor's file: the kernel's own name for it, links already resolved
 * (one `readlink`; a `realpath` of the /proc entry would walk every folder again). A file deleted
 * since keeps its folder in the name, so it is still judged by where it was.
 */
function openedPath(fd: number): string {
  return readlinkSync(`${FD_LINKS}/${fd}`).replace(/ \(deleted\)$/, "");
}

/** Baton's installed package (shipped roles, workflows, templates), links resolved. */
export function packageRealPath(): string {
  realPackageRoot ??= realpathSync.native(PACKAGE_ROOT);
  return realPackageRoot;
}

/**
 * The one guarded read: opens `absolute`, then checks where the opened descriptor really points
 * (so no link, however placed or swapped, reads a file outside `realRoots`), that it is a regular
 * file, and that it is at most `maxBytes`. `display` names the file in errors, never the machine's paths.
 */
export function readGuarded(
  absolute: string,
  realRoots: readonly string[],
  display: string,
  maxBytes?: number,
): string {
  const inside = (real: string) => realRoots.some((root) => isInside(root, real));
  let target = absolute;
  if (!FD_LINKS) {
    try {
      target = realpathSync.native(absolute);
    } catch (error) {
      throw openProblem(display, error as NodeJS.ErrnoException);
    }
    if (!inside(target)) throw new UserError(`${display} leaves the workspace through a symbolic link`);
  }
  let fd: number;
  try {
    fd = openSync(target, OPEN_FLAGS);
  } catch (error) {
    throw openProblem(display, error as NodeJS.ErrnoException);
  }
  try {
    if (FD_LINKS && !inside(openedPath(fd))) {
      throw new UserError(`${display} leaves the workspace through a symbolic link`);
    }
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UserError(`${display} is not a regular file`);
    if (maxBytes !== undefined && stat.size > maxBytes)
      throw new FileTooLargeError(display, stat.size, maxBytes);
    const buffer = Buffer.allocUnsafe(stat.size);
    let offset = 0;
    while (offset < stat.size) {
      const n = readSync(fd, buffer, offset, stat.size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    return buffer.toString("utf8", 0, offset);
  } finally {
    closeSync(fd);
  }
}

function openProblem(display: string, error: NodeJS.ErrnoException): UserError {
  if (error.code === "ENOENT" || error.code === "ENOTDIR") return new UserError(`${display} does not exist`);
  if (error.code === "EISDIR") return new UserError(`${display} is a directory, not a file`);
  if (error.code === "ELOOP") return new UserError(`${display} is a symbolic link loop`);
  if (error.code === "EACCES" || error.code === "EPERM")
    return new UserError(`${display} cannot be read (permission denied)`);
  return new UserError(`${display} cannot be read (${error.code ?? "error"})`);
}

function isInside(root: string, candidate: string): boolean {
  // Fast path for the usual case (both absolute and normalized); path.relative decides the rest.
  if (candidate.startsWith(root) && candidate.charAt(root.length) === path.sep) return true;
  const rel = path.relative(root, candidate);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** realpath of the deepest existing ancestor, with the missing tail appended. */
function realpathOfExisting(absolute: string): string {
  try {
    return realpathSync.native(absolute); // one system call when the path exists (the common case)
  } catch {
    // missing: resolve the deepest ancestor that exists
  }
  let current = absolute;
  const tail: string[] = [];
  while (!existsSync(current)) {
    const parent = path.dirname(current);
    if (parent === current) break;
    tail.unshift(path.basename(current));
    current = parent;
  }
  return path.join(realpathSync.native(current), ...tail);
}
