import type { FileFacts } from "./files.js";
import type { CheckResult, Miss } from "./results.js";

/** Implicit minimum size of every deliverable (docs/design.md §6); an explicit `min_bytes` on the file replaces it. */
export const DEFAULT_MIN_BYTES = 200;

/** The miss of a check whose file is missing or cannot be read. */
export const NO_FILE: Miss = { found: "no readable file" };

/** `exists` (and the implicit exists): a regular file inside the workspace. */
export function existsCheck(check: string, facts: FileFacts): CheckResult {
  const file = facts.file;
  return facts.problem === undefined
    ? { check, file, status: "passed", reason: `${file}: exists (${facts.size} bytes)` }
    : { check, file, status: "failed", reason: facts.problem, miss: NO_FILE };
}

/**
 * Bytes of content: leading and trailing whitespace do not count, so padding a stub does not pass
 * a size check. A file that was only measured (or is too large to read) counts by its size.
 */
export function contentBytes(facts: FileFacts): number {
  if (!facts.contentSettled || facts.contentProblem !== undefined) return facts.size;
  const text = facts.text();
  const trimmed = text.trim();
  return trimmed.length === text.length ? facts.size : Buffer.byteLength(trimmed, "utf8");
}

/** `min_bytes` (and the implicit minimum size), on the content without surrounding whitespace. */
export function minBytesCheck(check: string, facts: FileFacts, bytes: number): CheckResult {
  const file = facts.file;
  const size = contentBytes(facts);
  // A final newline is not padding worth mentioning; the number is the content's either way.
  const of =
    facts.size - size <= 1
      ? `${size} bytes`
      : `${size} bytes of content (${facts.size} with surrounding whitespace)`;
  return size >= bytes
    ? { check, file, status: "passed", reason: `${file}: ${facts.size} bytes, >= ${bytes}` }
    : {
        check,
        file,
        status: "failed",
        reason: `${file}: ${of}, needs >= ${bytes}`,
        miss: { expected: bytes, found: size },
      };
}

/** `max_bytes`. */
export function maxBytesCheck(check: string, facts: FileFacts, bytes: number): CheckResult {
  const file = facts.file;
  return facts.size <= bytes
    ? { check, file, status: "passed", reason: `${file}: ${facts.size} bytes, <= ${bytes}` }
    : {
        check,
        file,
        status: "failed",
        reason: `${file}: ${facts.size} bytes, needs <= ${bytes}`,
        miss: { expected: bytes, found: facts.size },
      };
}
