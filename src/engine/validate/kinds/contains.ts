import { containsCheck, quote } from "../text.js";
import { code, fileKind } from "./kind.js";
import { pattern } from "./params.js";

export const contains = fileKind({
  name: "contains",
  params: { pattern: pattern.describe("text") },
  content: true,
  passes: "the text occurs",
  describe: (check, file) => `${file} contains ${code(check.pattern)}`,
  evaluate: (check, facts) => containsCheck(facts, check.pattern),
  remind: (miss) => [
    `contain ${typeof miss.expected === "string" ? quote(miss.expected) : "the required text"}`,
  ],
});
