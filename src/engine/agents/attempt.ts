import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from "node:fs";
import { type AgentPreset, parseUsage, USAGE_FILE_ENV } from "./presets.js";
import { noUsage, readUsageFile, type UsageResult } from "./usage.js";

/**
 * The launcher appends every attempt of an assignment to the same log, so one attempt's output is
 * what was appended after the size the log had when it started. 0 when there is no log yet.
 */
export function logSize(file: string): number {
  try {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}

/** What the log gained since `offset` (see logSize); "" when it is missing, not a file, or a symlink. */
export function readLogSince(file: string, offset: number): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return "";
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size <= offset) return "";
    const buffer = Buffer.alloc(stat.size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

export interface AttemptOutput {
  /** The preset the attempt ran with; none for a launcher command of the user's. */
  preset?: AgentPreset;
  /** What the attempt printed (readLogSince the log size at its start). */
  output: string;
  /** The file BATON_USAGE_FILE named for this attempt (fresh per attempt), and how messages name it. */
  usageFile: string;
  usageFileLabel: string;
}

/**
 * One attempt's usage, measured without the agent's help: the usage file when the launcher wrote
 * one (an explicit report wins, also over a preset's output), else what the preset's CLI printed.
 * A launcher of the user's that wrote no file gets a reason saying how to report usage.
 */
export function attemptUsage(attempt: AttemptOutput): UsageResult {
  if (present(attempt.usageFile)) return readUsageFile(attempt.usageFile, attempt.usageFileLabel);
  if (attempt.preset) return parseUsage(attempt.preset, attempt.output);
  return noUsage(
    `the launcher reported no usage; it may write {"input_tokens":N,"output_tokens":M,"cost_usd":C} ` +
      `to the file named by ${USAGE_FILE_ENV}`,
  );
}

/** Whether anything is at `file`, a dangling symlink included (readUsageFile then says what is wrong). */
function present(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
