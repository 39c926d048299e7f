import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";

/**
 * The directory Baton works on. Every target, deliverable and output path goes through here so
 * that nothing is read or written outside it, including through symbolic links.
 */
export class Workspace {
  readonly root: string;
  private readonly realRoot: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    if (!existsSync(this.root)) throw new UserError(`workspace ${this.root} does not exist`);
    this.realRoot = realpathSync.native(this.root);
  }

  /** Resolves a workspace-relative path; rejects absolute paths, `..` escapes and symlink escapes. */
  resolve(relative: string, what = "path"): string {
    checkRelativePattern(relative, what);
    const absolute = path.resolve(this.root, relative);
    if (!isInside(this.root, absolute)) {
      throw new UserError(`${what} \`${relative}\` leaves the workspace ${this.root}`);
    }
    const real = realpathOfExisting(absolute);
    if (!isInside(this.realRoot, real)) {
      throw new UserError(
        `${what} \`${relative}\` leaves the workspace through a symbolic link (it resolves to ${real})`,
      );
    }
    return absolute;
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

function checkRelativePattern(relative: string, what: string): void {
  const reason = unsafePathReason(relative);
  if (reason) throw new UserError(`${what} \`${relative}\` ${reason}`);
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
