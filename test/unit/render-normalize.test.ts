import { expect, test } from "vitest";
import { normalize } from "../../src/engine/render.js";

// Rendered prompts are normalized in one pass (#13: three regex passes were a third of rendering);
// the text must be exactly what the regex definition gives, whatever the template leaves behind.

const byRegex = (text: string) =>
  `${text
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;

test("normalize gives the regex definition's text for every mix of blanks and line ends", () => {
  const pieces = [
    " ",
    "\t",
    "\n",
    "\n",
    "\n\n\n",
    "\r",
    "\r\n",
    "\u2028",
    "\u00a0",
    "a",
    "- item",
    "  ",
    "\t\n",
  ];
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const mismatches: string[] = [];
  for (let round = 0; round < 20000; round++) {
    let text = "";
    const length = next() % 16;
    for (let i = 0; i < length; i++) text += pieces[next() % pieces.length];
    if (normalize(text) !== byRegex(text)) mismatches.push(JSON.stringify(text));
  }
  expect(mismatches.slice(0, 5)).toEqual([]);
});

test("normalize drops trailing blanks and collapses blank-line runs between lines", () => {
  expect(normalize("# Title  \n\n\n\n- a\t\n  \n\n- b\n\n")).toBe("# Title\n\n- a\n\n- b\n");
  expect(normalize("  keep leading\nindent\n   \n")).toBe("keep leading\nindent\n");
});
