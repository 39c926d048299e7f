import { z } from "zod";
import { compileRegex, regexResult } from "../regex.js";
import { code, fileKind } from "./kind.js";
import { pattern } from "./params.js";

export const regex = fileKind({
  name: "regex",
  params: {
    pattern: pattern.describe("JS regex source"),
    flags: z
      .string()
      .regex(/^[imsu]*$/, "regex flags may use i, m, s and u")
      .optional()
      .describe("i, m, s, u"),
  },
  content: true,
  passes: "the regex matches",
  describe: (check, file) => `${file} matches ${code(`/${check.pattern}/${check.flags ?? ""}`)}`,
  // An invalid regex fails at once; a valid one waits for the run's next guarded batch.
  evaluate: (check, facts, env) => {
    const flags = check.flags ?? "";
    const compiled = env.memo(`regex:${flags}/${check.pattern}`, () => compileRegex(check.pattern, flags));
    if (typeof compiled === "string") {
      return { status: "failed", reason: `${facts.file}: ${compiled}`, miss: { found: "invalid regex" } };
    }
    return env.later(compiled, facts.text(), (outcome) =>
      regexResult(facts, check.pattern, flags, outcome, env.regexTimeoutMs),
    );
  },
  remind: (miss) =>
    typeof miss.expected === "string" ? [`match ${code(miss.expected)}`] : ["pass its `regex` check"],
});
