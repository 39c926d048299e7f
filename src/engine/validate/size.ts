import type { FileFacts } from "./files.js";
import type { CheckResult } from "./types.js";

/** `exists`, `min_bytes`, `max_bytes` (and the implicit exists and minimum size). */
export function existsCheck(check: string, file: string, facts: FileFacts): CheckResult {
  return facts.exists
    ? { check, file, status: "passed", reason: `${file} exists` }
    : { check, file, status: "failed", reason: `${file}: does not exist` };
}

export function minBytesCheck(check: string, file: string, facts: FileFacts, bytes: number): CheckResult {
  return facts.size >= bytes
    ? { check, file, status: "passed", reason: `${file}: ${facts.size} bytes, >= ${bytes}` }
    : { check, file, status: "failed", reason: `${file}: ${facts.size} bytes, needs >= ${bytes}` };
}

export function maxBytesCheck(check: string, file: string, facts: FileFacts, bytes: number): CheckResult {
  return facts.size <= bytes
    ? { check, file, status: "passed", reason: `${file}: ${facts.size} bytes, <= ${bytes}` }
    : { check, file, status: "failed", reason: `${file}: ${facts.size} bytes, needs <= ${bytes}` };
}

/** Implicit minimum size of every deliverable (DESIGN §6). */
export const DEFAULT_MIN_BYTES = 200;
