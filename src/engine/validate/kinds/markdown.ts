import { z } from "zod";
import { loadMarkdownlint, markdownCheck } from "../markdown.js";
import { fileKind } from "./kind.js";

export const markdown = fileKind({
  name: "markdown",
  params: { rules: z.record(z.string(), z.unknown()).optional().describe("markdownlint config object") },
  content: true,
  passes: "markdownlint reports nothing",
  describe: (check, file) =>
    `${file} passes markdownlint${
      check.rules
        ? ` with the rules ${Object.entries(check.rules)
            .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
            .join(", ")}`
        : ""
    }`,
  load: loadMarkdownlint,
  evaluate: (check, facts) => markdownCheck(facts, check.rules),
});
