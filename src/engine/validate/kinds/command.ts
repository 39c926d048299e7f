import { z } from "zod";
import { code, workspaceKind } from "./kind.js";
import { COMMAND_NAME, COMMAND_NAME_RULE, DEFAULT_COMMAND_TIMEOUT_S, text } from "./params.js";

export const command = workspaceKind({
  name: "command",
  params: {
    run: text.optional().describe("a shell command line"),
    name: z
      .string()
      .regex(COMMAND_NAME, COMMAND_NAME_RULE)
      .optional()
      .describe("a command declared in .baton/config.yaml, instead of `run`"),
    optional: z.boolean().optional().describe("with `name`: skipped when not declared"),
    timeout_s: z.number().positive().max(3600).optional().describe(`default ${DEFAULT_COMMAND_TIMEOUT_S}`),
  },
  passes: "exit 0 in time; runs only when the operator allowed commands",
  validate: (check) => {
    if ((check.run === undefined) === (check.name === undefined)) {
      return [
        {
          path: check.run === undefined ? "name" : "run",
          message:
            "check `command` needs `run` (a shell command line) or `name` (a command declared in .baton/config.yaml), not both",
        },
      ];
    }
    if (check.optional !== undefined && check.name === undefined) {
      return [
        { path: "optional", message: "`optional` applies to a declared command (`name`), not to `run`" },
      ];
    }
    return [];
  },
  describe: (check) => {
    const only = "only when the operator allows commands";
    if (check.name !== undefined) {
      const when = check.optional ? ", when the operator declares it" : "";
      return `the operator's ${code(check.name)} command exits 0${when} (${only})`;
    }
    return `${code(check.run ?? "")} exits 0 within ${check.timeout_s ?? DEFAULT_COMMAND_TIMEOUT_S} s (${only})`;
  },
  // The process machinery loads with the check, not at start-up.
  evaluate: async (check, ctx) => (await import("../command.js")).commandCheck(check, ctx),
});
