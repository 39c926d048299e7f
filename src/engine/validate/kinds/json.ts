import { parseCheck } from "../parse.js";
import { fileKind } from "./kind.js";

export const json = fileKind({
  name: "json",
  params: {},
  content: true,
  passes: "the file parses as JSON",
  describe: (_check, file) => `${file} parses as JSON`,
  evaluate: (_check, facts) => parseCheck("json", facts),
});
