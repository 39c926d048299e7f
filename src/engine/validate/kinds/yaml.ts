import { parseCheck } from "../parse.js";
import { fileKind } from "./kind.js";

export const yaml = fileKind({
  name: "yaml",
  params: {},
  content: true,
  passes: "the file parses as YAML (every document)",
  describe: (_check, file) => `${file} parses as YAML`,
  evaluate: (_check, facts) => parseCheck("yaml", facts),
});
