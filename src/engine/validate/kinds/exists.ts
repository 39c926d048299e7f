import { existsCheck } from "../size.js";
import { code, fileKind } from "./kind.js";

export const exists = fileKind({
  name: "exists",
  params: {},
  content: false,
  passes: "the file exists",
  describe: (_check, file) => `${file} exists`,
  // A missing file fails before `evaluate` (with the file's problem as the reason).
  evaluate: (_check, facts) => existsCheck("exists", facts),
  remind: (_miss, pattern) => [`be written at exactly ${code(pattern)}`],
});
