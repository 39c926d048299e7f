import type { Nodes } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import type { FileFacts } from "./files.js";
import type { CheckResult } from "./types.js";

function textOf(node: Nodes): string {
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as Nodes[]).map(textOf).join("");
  return "";
}

/** Heading texts of a Markdown document, parsed (so `#` lines inside code blocks do not count). */
export function headingsOf(markdown: string): string[] {
  const tree = fromMarkdown(markdown);
  return tree.children.filter((n) => n.type === "heading").map((n) => textOf(n).trim());
}

const normalize = (h: string) => h.trim().replace(/\s+/g, " ").toLowerCase();

/** `headings`: every required heading occurs, at any level, compared case-insensitively. */
export function headingsCheck(file: string, facts: FileFacts, required: readonly string[]): CheckResult {
  const found = headingsOf(facts.text());
  const have = new Set(found.map(normalize));
  const missing = required.filter((h) => !have.has(normalize(h)));
  if (missing.length === 0) {
    return {
      check: "headings",
      file,
      status: "passed",
      reason: `${file}: has ${required.map((h) => `"${h}"`).join(", ")}`,
    };
  }
  const shown = found
    .slice(0, 8)
    .map((h) => `"${h}"`)
    .join(", ");
  return {
    check: "headings",
    file,
    status: "failed",
    reason: `${file}: missing heading${missing.length > 1 ? "s" : ""} ${missing.map((h) => `"${h}"`).join(", ")} (found: ${shown || "no headings"}${found.length > 8 ? ", …" : ""})`,
  };
}
