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
  const trimmed = heading.trim();
  // Most headings have nothing to strip or collapse: no `#` in front, single spaces only.
  if (trimmed.charCodeAt(0) !== 0x23 && !UNUSUAL_SPACE.test(trimmed)) return trimmed.toLowerCase();
  return trimmed
    .replace(/^#{1,6}\s+/, "")
    .replace(/\s+/g, " ")
    .toLowerCase();
}

/** Whitespace other than one plain space between words. */
const UNUSUAL_SPACE = /[^\S ]|\s\s/;

/** The required headings of a check, normalized once per list (the same list serves every file). */
const normalizedRequired = new WeakMap<readonly string[], string[]>();

function requiredOf(required: readonly string[]): string[] {
  let normalized = normalizedRequired.get(required);
  if (!normalized) {
    normalized = required.map(normalize);
    normalizedRequired.set(required, normalized);
  }
  return normalized;
}

const SHOWN = 20;

/** `headings`: every required heading occurs. Call `loadMarkdownParser` first. */
export function headingsCheck(facts: FileFacts, required: readonly string[]): CheckResult {
  const file = facts.file;
  const found = headingsOf(facts);
  const have = new Set(found.map(normalize));
  const wanted = requiredOf(required);
  const missing = required.filter((_, i) => !have.has(wanted[i] as string));
  if (missing.length === 0) {
    return { check: "headings", file, status: "passed", reason: `${file}: has headings ${listed(required)}` };
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

/** `list` of a check's required headings, once per list. */
const listedRequired = new WeakMap<readonly string[], string>();

function listed(required: readonly string[]): string {
  let text = listedRequired.get(required);
  if (text === undefined) {
    text = list(required);
    listedRequired.set(required, text);
  }
  return text;
}

function list(items: readonly string[]): string {
  return items.map((h) => `"${h}"`).join(", ");
}
