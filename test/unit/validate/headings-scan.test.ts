import type { Nodes } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { describe, expect, it } from "vitest";
import { plainText, simpleHeadings, walk } from "../../../src/engine/validate/markdown-tree.js";

function parsedHeadings(text: string): string[] {
  const found: string[] = [];
  for (const node of walk(fromMarkdown(text) as Nodes)) {
    if (node.type === "heading") found.push(plainText(node).trim());
  }
  return found;
}

const SAMPLES = [
  "# Title\n\n## Functional Requirements\n\nText.\n\n### Notes ###\n",
  "#  Spaced   Title  \n##\n## ##\n# C#\n#hashtag\n####### seven\n",
  "# A\n```md\n# not a heading\n```\n~~~\n## nor this\n~~~\n## B\n",
  "````\n```\n# inside\n```\n````\n# After\n",
  "Para\n# Interrupts\ntext\n",
  "Title\n=====\n\nSub\n---\n",
  "---\ntitle: front matter\n---\n# Real\n",
  "> # Quoted\n\n# Top\n",
  "- item\n\n  # In a list\n",
  "    # indented code\n\n# Top\n",
  "<div>\n# inside html\n</div>\n\n# Top\n",
  "# The `api` *contract*\n",
  "# Q&amp;A\n",
  "# Escaped \\#\n",
  "# Title\r\n\r\n## Windows\r\n",
  "Text\n\n---\n\n# After a rule\n",
  "| a | b |\n|---|---|\n| 1 | 2 |\n\n# After a table\n",
  "1. step\n2. step\n\n## Next\n",
  "# Unclosed\n```\n# swallowed\n",
  "\tcode\n# Top\n",
  "text\n    # lazy continuation\n",
  "Prose line\nsecond line\n-----\n\n# After\n",
  "plain *text* and 1. more\n[link](x) text\n\n# Heading\nmore prose\n",
];

describe("the heading line scan agrees with the CommonMark parser", () => {
  it.each(SAMPLES.map((s) => [s]))("%j", (text) => {
    const simple = simpleHeadings(text);
    if (simple !== undefined) expect(simple).toEqual(parsedHeadings(text));
  });

  it("handles the plain documents itself", () => {
    const handled = SAMPLES.filter((s) => simpleHeadings(s) !== undefined).length;
    expect(handled).toBeGreaterThanOrEqual(10);
    expect(simpleHeadings(SAMPLES[0] as string)).toEqual(["Title", "Functional Requirements", "Notes"]);
  });
});
