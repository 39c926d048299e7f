import type { Nodes, Root } from "mdast";
import type { CompileContext, Extension } from "mdast-util-from-markdown";
import type { FileFacts } from "./files.js";

type FromMarkdown = typeof import("mdast-util-from-markdown").fromMarkdown;

let fromMarkdown: FromMarkdown | undefined;

/** mdast-util-from-markdown is loaded on the first check that needs a Markdown tree, not at start-up. */
export async function loadMarkdownParser(): Promise<void> {
  fromMarkdown ??= (await import("mdast-util-from-markdown")).fromMarkdown;
}

export function markdownParserLoaded(): boolean {
  return fromMarkdown !== undefined;
}

/** How many fence lines (opening, closing) each fenced code node had: 1 means never closed. */
const fenceCounts = new WeakMap<object, number>();

const countFences: Extension = {
  enter: {
    codeFencedFence(this: CompileContext) {
      // The code node is open; its content may be buffered in a fragment above it.
      for (let i = this.stack.length - 1; i >= 0; i--) {
        const node = this.stack[i];
        if (node?.type === "code") {
          fenceCounts.set(node, (fenceCounts.get(node) ?? 0) + 1);
          return;
        }
      }
    },
  },
};

/** The file's CommonMark tree, parsed once per run; call `loadMarkdownParser` first. */
export function markdownTreeOf(facts: FileFacts): Root {
  return facts.cached("mdast", () => {
    if (!fromMarkdown) throw new Error("loadMarkdownParser() was not awaited");
    return fromMarkdown(facts.text(), { mdastExtensions: [countFences] });
  });
}

/** Plain text of a node (heading text without its `#` markers or inline markup). */
export function plainText(node: Nodes): string {
  if (node.type === "text" || node.type === "inlineCode") return node.value;
  if (node.type === "break") return " ";
  if (node.type === "image") return node.alt ?? "";
  if ("children" in node) return (node.children as Nodes[]).map(plainText).join("");
  return "";
}

/** Every node of a tree, depth first. */
export function* walk(node: Nodes): Generator<Nodes> {
  yield node;
  if ("children" in node) for (const child of node.children as Nodes[]) yield* walk(child);
}

/** Start lines of fenced code blocks that were never closed (CommonMark's own reading). */
export function unclosedFenceLines(tree: Root): number[] {
  const lines: number[] = [];
  for (const node of walk(tree)) {
    if (node.type === "code" && fenceCounts.get(node) === 1) lines.push(node.position?.start.line ?? 0);
  }
  return lines;
}

const OPENER = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const CLOSER = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
/** A fence-like line after container markers (`>`, list bullets) or deeper indentation. */
const CONTAINED = /^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+[ \t>]*)*(?:`{3,}|~{3,})/;

/**
 * Fast scan for the common case: fences at the top level (0-3 spaces, ``` or ~~~, closed by the same
 * character at least as long, with nothing after it). Returns "closed" when every such fence is
 * closed and no fence sits in a container; anything else ("check") needs the CommonMark parser,
 * which also sees through HTML blocks, block quotes and list items.
 */
export function scanFences(text: string): "closed" | "check" {
  if (!text.includes("```") && !text.includes("~~~")) return "closed";
  let open: { char: string; length: number } | undefined;
  let pos = 0;
  for (;;) {
    const i = nextRun(text, pos);
    if (i === -1) break;
    const lineStart = text.lastIndexOf("\n", i - 1) + 1;
    let lineEnd = text.indexOf("\n", i);
    if (lineEnd === -1) lineEnd = text.length;
    pos = lineEnd + 1;
    let line = text.slice(lineStart, lineEnd);
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (open) {
      const close = CLOSER.exec(line);
      if (close?.[1] && close[1][0] === open.char && close[1].length >= open.length) open = undefined;
      continue;
    }
    const opener = OPENER.exec(line);
    if (opener?.[1]) {
      const fence = opener[1];
      if (fence[0] === "`" && (opener[2] ?? "").includes("`")) continue; // inline code, not a fence
      open = { char: fence[0] as string, length: fence.length };
      continue;
    }
    if (CONTAINED.test(line)) return "check";
  }
  return open ? "check" : "closed";
}

function nextRun(text: string, from: number): number {
  const a = text.indexOf("```", from);
  const b = text.indexOf("~~~", from);
  if (a === -1) return b;
  if (b === -1) return a;
  return Math.min(a, b);
}

const ATX = /^(#{1,6})(?:[ \t]+(.*))?$/;
const CLOSING_SEQUENCE = /(?:^|[ \t]+)#+[ \t]*$/;
/** Characters that may start inline markup, escapes or entities in a heading. */
const INLINE_MARKUP = /[\\`*_&<[!]/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const INDENTED_HEADING = /^[ \t]+#{1,6}(?:[ \t]|$)/;
const QUOTE_OR_HTML = /^ {0,3}[><]/;

/**
 * The headings of a plain document without the CommonMark parser (which costs ~100x more): ATX
 * headings at the start of a line, outside top-level code fences, with plain text. Returns
 * undefined when anything in the document needs the parser to be read exactly: a setext underline,
 * a block quote or HTML block, an indented `#` line (a list item's heading, or code), fences in
 * containers, inline markup in a heading.
 */
export function simpleHeadings(text: string): string[] | undefined {
  if (scanFences(text) !== "closed") return undefined;
  const fenced = text.includes("```") || text.includes("~~~");
  const headings: string[] = [];
  let open: { char: string; length: number } | undefined;
  let afterText = false;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (!fenced) {
      const first = text.charCodeAt(start);
      // Most lines are prose (not a heading, fence, blank line, container or setext underline) or empty.
      if (startsPlainLine(first) || first === 0x0a) {
        afterText = first !== 0x0a;
        start = end + 1;
        continue;
      }
    }
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (open) {
      const close = CLOSER.exec(line);
      if (close?.[1] && close[1][0] === open.char && close[1].length >= open.length) open = undefined;
      afterText = false;
      continue;
    }
    const first = line.charCodeAt(0);
    if (first === 0x23 /* # */) {
      const atx = ATX.exec(line);
      if (atx) {
        const content = (atx[2] ?? "").replace(CLOSING_SEQUENCE, "").trim();
        if (INLINE_MARKUP.test(content)) return undefined;
        headings.push(content);
        afterText = false;
        continue;
      }
    }
    if (line.includes("```") || line.includes("~~~")) {
      const opener = OPENER.exec(line);
      if (opener?.[1] && !(opener[1][0] === "`" && (opener[2] ?? "").includes("`"))) {
        open = { char: opener[1][0] as string, length: opener[1].length };
        afterText = false;
        continue;
      }
    }
    if (line.trim() === "") {
      afterText = false;
      continue;
    }
    if (INDENTED_HEADING.test(line) || QUOTE_OR_HTML.test(line)) return undefined;
    if (afterText && SETEXT_UNDERLINE.test(line)) return undefined;
    afterText = true;
  }
  return headings;
}

/**
 * Whether a line starting with this character is prose to the scan above, whatever follows: printable
 * ASCII other than `#` (ATX heading), `>` and `<` (quote, HTML), `=` and `-` (setext underline); a
 * space, tab, line end or non-ASCII character takes the full path.
 */
function startsPlainLine(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x23 && c !== 0x3c && c !== 0x3d && c !== 0x3e && c !== 0x2d;
}
