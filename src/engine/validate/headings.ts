import type { FileFacts } from "./files.js";
import { markdownTreeOf, plainText, simpleHeadings, walk } from "./markdown-tree.js";
import type { CheckResult } from "./results.js";

/**
 * Heading texts of a Markdown file at any level, as CommonMark reads them (so `#` lines inside code
 * blocks do not count): a line scan for plain documents, the parser for the rest.
 */
export function headingsOf(facts: FileFacts): string[] {
  return facts.cached("headings", () => {
    const simple = simpleHeadings(facts.text());
    if (simple) return simple;
    const found: string[] = [];
    for (const node of walk(markdownTreeOf(facts))) {
      if (node.type === "heading") found.push(plainText(node).trim());
    }
    return found;
  });
}

/** Compared case-insensitively, whitespace collapsed; a required `## Title` means `Title`. */
function normalize(heading: string): string {
  return heading
    .trim()
    .replace(/^#{1,6}\s+/, "")
    .replace(/\s+/g, " ")
    .toLowerCase();
}

const SHOWN = 20;

/** `headings`: every required heading occurs. Call `loadMarkdownParser` first. */
export function headingsCheck(facts: FileFacts, required: readonly string[]): CheckResult {
  const file = facts.file;
  const found = headingsOf(facts);
  const have = new Set(found.map(normalize));
  const missing = required.filter((h) => !have.has(normalize(h)));
  if (missing.length === 0) {
    return { check: "headings", file, status: "passed", reason: `${file}: has headings ${list(required)}` };
  }
  const unique = [...new Set(found)];
  const shown =
    unique.length === 0
      ? "no headings"
      : `${list(unique.slice(0, SHOWN))}${unique.length > SHOWN ? `, and ${unique.length - SHOWN} more` : ""}`;
  return {
    check: "headings",
    file,
    status: "failed",
    reason: `${file}: missing heading${missing.length > 1 ? "s" : ""} ${list(missing)} (found: ${shown})`,
    miss: { missing, found: unique.slice(0, SHOWN) },
  };
}

function list(items: readonly string[]): string {
  return items.map((h) => `"${h}"`).join(", ");
}
