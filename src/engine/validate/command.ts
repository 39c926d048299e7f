import { execFile } from "node:child_process";
import type { CheckContext, CheckResult } from "./types.js";

const OUTPUT_LIMIT = 2000;

function truncate(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > OUTPUT_LIMIT
    ? `${trimmed.slice(0, OUTPUT_LIMIT)}… (${trimmed.length - OUTPUT_LIMIT} more characters)`
    : trimmed;
}

/**
 * `command`: runs through the shell in the workspace and must exit 0 within its timeout. Only the
 * operator can allow it (`--allow-commands`); a workflow alone never runs a command.
 */
export function commandCheck(command: string, timeoutS: number, ctx: CheckContext): Promise<CheckResult> {
  if (!ctx.allowCommands) {
    return Promise.resolve({
      check: "command",
      status: "skipped",
      reason: `\`${command}\` not run: commands are disabled; the operator enables them with --allow-commands`,
    });
  }
  return new Promise((resolve) => {
    execFile(
      "/bin/sh",
      ["-c", command],
      {
        cwd: ctx.workspace.root,
        timeout: timeoutS * 1000,
        maxBuffer: 8 * 1024 * 1024,
        killSignal: "SIGKILL",
      },
      (error, stdout, stderr) => {
        const output = truncate(`${stdout}${stderr}`);
        const tail = output ? `; output: ${output}` : "";
        if (!error) {
          resolve({ check: "command", status: "passed", reason: `\`${command}\` exited 0${tail}` });
        } else if (error.killed) {
          resolve({
            check: "command",
            status: "failed",
            reason: `\`${command}\` did not finish within ${timeoutS} s${tail}`,
          });
        } else {
          resolve({
            check: "command",
            status: "failed",
            reason: `\`${command}\` exited ${error.code ?? "abnormally"}${tail}`,
          });
        }
      },
    );
  });
}
