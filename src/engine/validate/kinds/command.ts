import { z } from "zod";
import { code, workspaceKind } from "./kind.js";
import { DEFAULT_COMMAND_TIMEOUT_S, text } from "./params.js";

export const command = workspaceKind({
  name: "command",
  params: {
    run: text.describe("a shell command line"),
    timeout_s: z.number().positive().max(3600).optional().describe(`default ${DEFAULT_COMMAND_TIMEOUT_S}`),
  },
  passes: "exit 0 in time; runs only when the operator allowed commands",
  describe: (check) =>
    `${code(check.run)} exits 0 within ${check.timeout_s ?? DEFAULT_COMMAND_TIMEOUT_S} s (only when the operator allows commands)`,
  // The process machinery loads with the check, not at start-up.
  evaluate: async (check, ctx) =>
    (await import("../command.js")).commandCheck(check.run, check.timeout_s, ctx),
});
