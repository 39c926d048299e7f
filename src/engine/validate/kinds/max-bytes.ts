import { maxBytesCheck } from "../size.js";
import { fileKind } from "./kind.js";
import { bytes } from "./params.js";

export const maxBytes = fileKind({
  name: "max_bytes",
  params: { bytes },
  content: false,
  passes: "size <= bytes",
  describe: (check, file) => `${file} has at most ${check.bytes} bytes`,
  evaluate: (check, facts) => maxBytesCheck("max_bytes", facts, check.bytes),
});
