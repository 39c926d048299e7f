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

/** `min_bytes` (and the implicit minimum size). */
export function minBytesCheck(check: string, facts: FileFacts, bytes: number): CheckResult {
  const file = facts.file;
  return facts.size >= bytes
    ? { check, file, status: "passed", reason: `${file}: ${facts.size} bytes, >= ${bytes}` }
    : {
        check,
        file,
        status: "failed",
        reason: `${file}: ${facts.size} bytes, needs >= ${bytes}`,
        miss: { expected: bytes, found: facts.size },
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
