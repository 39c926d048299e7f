import { minBytesCheck } from "../size.js";
import { fileKind } from "./kind.js";
import { bytes } from "./params.js";

export const minBytes = fileKind({
  name: "min_bytes",
  params: { bytes },
  // Reads the content: leading and trailing whitespace do not count.
  content: true,
  passes: "size without leading and trailing whitespace >= bytes",
  describe: (check, file) =>
    `${file} has at least ${check.bytes} bytes besides leading and trailing whitespace`,
  evaluate: (check, facts) => minBytesCheck("min_bytes", facts, check.bytes),
  remind: (miss) =>
    typeof miss.expected === "number"
      ? [`have at least ${miss.expected} bytes`]
      : ["pass its `min_bytes` check"],
});
