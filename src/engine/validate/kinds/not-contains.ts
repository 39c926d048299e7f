import { notContainsCheck } from "../text.js";
import { code, fileKind } from "./kind.js";
import { pattern } from "./params.js";

export const notContains = fileKind({
  name: "not_contains",
  params: { pattern: pattern.describe("text") },
  content: true,
  passes: "the text does not occur",
  describe: (check, file) => `${file} does not contain ${code(check.pattern)}`,
  evaluate: (check, facts) => notContainsCheck(facts, check.pattern),
});
