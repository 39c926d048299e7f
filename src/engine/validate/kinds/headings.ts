import { z } from "zod";
import { headingsCheck } from "../headings.js";
import { loadMarkdownParser } from "../markdown-tree.js";
import { fileKind } from "./kind.js";
import { text } from "./params.js";

export const headings = fileKind({
  name: "headings",
  params: { headings: z.array(text).min(1).describe("list of heading texts") },
  content: true,
  passes: "each heading occurs (any level)",
  describe: (check, file) => `${file} has the headings ${check.headings.map((h) => `"${h}"`).join(", ")}`,
  load: loadMarkdownParser,
  evaluate: (check, facts) => headingsCheck(facts, check.headings),
  // One reminder per missing heading: each is learned on its own.
  remind: (miss) => (miss.missing ?? []).map((h) => `contain the heading "## ${h}"`),
});
