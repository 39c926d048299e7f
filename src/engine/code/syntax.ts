import { createRequire } from "node:module";
import path from "node:path";
import type * as TreeSitter from "@vscode/tree-sitter-wasm";

/**
 * Syntax of code deliverables, offline, by extension. JavaScript and TypeScript go through oxc
 * (a native parser shipped for each platform inside its npm package); Python, Go, Rust and Java
 * through tree-sitter grammars compiled to WebAssembly (all inside @vscode/tree-sitter-wasm).
 * Both load on first use only, so `baton serve` starts as fast as before.
 */

/** Larger files are not parsed (generated or vendored code); the check says it skipped them. */
export const MAX_SYNTAX_BYTES = 1024 * 1024;
/** A tree-sitter parse that runs longer than this is abandoned (pathological input). */
const PARSE_TIMEOUT_MS = 5000;
/** How much of the offending text an error message quotes. */
const SNIPPET = 40;

type OxcLang = "js" | "jsx" | "ts" | "tsx" | "dts";
type GrammarName = "python" | "go" | "rust" | "java";
export type CodeLanguage = "JavaScript" | "TypeScript" | "Python" | "Go" | "Rust" | "Java";

interface LanguageInfo {
  language: CodeLanguage;
  oxc?: OxcLang;
  grammar?: GrammarName;
}

/** Plain JavaScript is parsed as JSX too: React projects put JSX in `.js` files, and JSX adds no ambiguity. */
const BY_EXTENSION: Record<string, LanguageInfo> = {
  js: { language: "JavaScript", oxc: "jsx" },
  mjs: { language: "JavaScript", oxc: "jsx" },
  cjs: { language: "JavaScript", oxc: "jsx" },
  jsx: { language: "JavaScript", oxc: "jsx" },
  ts: { language: "TypeScript", oxc: "ts" },
  mts: { language: "TypeScript", oxc: "ts" },
  cts: { language: "TypeScript", oxc: "ts" },
  tsx: { language: "TypeScript", oxc: "tsx" },
  py: { language: "Python", grammar: "python" },
  pyi: { language: "Python", grammar: "python" },
  go: { language: "Go", grammar: "go" },
  rs: { language: "Rust", grammar: "rust" },
  java: { language: "Java", grammar: "java" },
};

/** Extensions whose syntax Baton checks (for docs and for the implicit check's routing). */
export const SYNTAX_EXTENSIONS: readonly string[] = Object.keys(BY_EXTENSION);

export type SyntaxResult =
  | { ok: true; language: CodeLanguage }
  /** `line` and `col` are 1-based; `col` counts UTF-16 code units, as editors do. */
  | { ok: false; language: CodeLanguage; line: number; col: number; message: string }
  /** Not parsed (too large, or the parse was abandoned); never a pass. */
  | { ok: "skipped"; language: CodeLanguage; reason: string };

/** The language whose syntax is checked for this file, or undefined when Baton has no parser for it. */
export function syntaxLanguageOf(relPath: string): CodeLanguage | undefined {
  return infoOf(relPath)?.language;
}

function infoOf(relPath: string): LanguageInfo | undefined {
  // Asked of every deliverable a validation checks: most have an extension no parser handles.
  const last = relPath.lastIndexOf(".");
  if (last === -1 || !(relPath.slice(last + 1).toLowerCase() in BY_EXTENSION)) return undefined;
  const base = path.posix.basename(relPath.replaceAll("\\", "/")).toLowerCase();
  if (base.endsWith(".d.ts") || base.endsWith(".d.mts") || base.endsWith(".d.cts")) {
    return { language: "TypeScript", oxc: "dts" };
  }
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? undefined : BY_EXTENSION[base.slice(dot + 1)];
}

/**
 * Checks that `content` parses as the language its extension names. Returns undefined when the
 * extension is not one Baton parses (the caller treats that as "not applicable").
 */
export async function checkSyntax(relPath: string, content: string): Promise<SyntaxResult | undefined> {
  const info = infoOf(relPath);
  if (info === undefined) return undefined;
  const { language } = info;
  const bytes = Buffer.byteLength(content, "utf8");
  if (bytes > MAX_SYNTAX_BYTES) {
    return {
      ok: "skipped",
      language,
      reason: `${relPath}: ${bytes} bytes; syntax is checked in files up to ${MAX_SYNTAX_BYTES} bytes`,
    };
  }
  if (info.oxc !== undefined) return oxcCheck(relPath, content, info.oxc, language);
  return treeSitterCheck(relPath, content, info.grammar as GrammarName, language);
}

type Oxc = typeof import("oxc-parser");
let oxc: Promise<Oxc> | undefined;

async function oxcCheck(
  relPath: string,
  content: string,
  lang: OxcLang,
  language: CodeLanguage,
): Promise<SyntaxResult> {
  oxc ??= import("oxc-parser");
  const { parseSync } = await oxc;
  // .cjs is CommonJS; everything else may be a module or a script, which oxc tells apart itself.
  const sourceType = relPath.toLowerCase().endsWith(".cjs") ? "commonjs" : "unambiguous";
  const { errors } = parseSync(relPath, content, { lang, sourceType });
  const error = errors.find((e) => e.severity === "Error");
  if (error === undefined) return { ok: true, language };
  const offset = error.labels[0]?.start ?? 0;
  const { line, col } = lineColOf(content, offset);
  const help = error.helpMessage ? ` (${error.helpMessage})` : "";
  return { ok: false, language, line, col, message: `${error.message}${help}` };
}

/** 1-based line and column of a UTF-16 offset. */
function lineColOf(content: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = content.indexOf("\n"); i !== -1 && i < offset; i = content.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

type TreeSitterModule = typeof TreeSitter;
let treeSitter: Promise<TreeSitterModule> | undefined;
const parsers = new Map<GrammarName, Promise<TreeSitter.Parser>>();

function loadTreeSitter(): Promise<TreeSitterModule> {
  treeSitter ??= (async () => {
    // A CommonJS bundle that finds tree-sitter.wasm next to itself.
    const module = createRequire(import.meta.url)("@vscode/tree-sitter-wasm") as TreeSitterModule;
    await module.Parser.init();
    return module;
  })();
  return treeSitter;
}

function parserFor(grammar: GrammarName): Promise<TreeSitter.Parser> {
  let parser = parsers.get(grammar);
  if (parser === undefined) {
    parser = (async () => {
      const module = await loadTreeSitter();
      const dir = path.dirname(createRequire(import.meta.url).resolve("@vscode/tree-sitter-wasm"));
      const language = await module.Language.load(path.join(dir, `tree-sitter-${grammar}.wasm`));
      const created = new module.Parser();
      created.setLanguage(language);
      return created;
    })();
    parsers.set(grammar, parser);
  }
  return parser;
}

async function treeSitterCheck(
  relPath: string,
  content: string,
  grammar: GrammarName,
  language: CodeLanguage,
): Promise<SyntaxResult> {
  const parser = await parserFor(grammar);
  const deadline = Date.now() + PARSE_TIMEOUT_MS;
  const tree = parser.parse(content, null, { progressCallback: () => Date.now() > deadline });
  if (tree === null) {
    parser.reset();
    return {
      ok: "skipped",
      language,
      reason: `${relPath}: parsing took longer than ${PARSE_TIMEOUT_MS / 1000} s`,
    };
  }
  try {
    const bad = firstProblem(tree.rootNode);
    if (bad === undefined) return { ok: true, language };
    const { row, column } = bad.startPosition;
    return { ok: false, language, line: row + 1, col: column + 1, message: describeNode(bad) };
  } finally {
    tree.delete(); // trees live in WebAssembly memory, which the garbage collector does not see
  }
}

/** The first ERROR or MISSING node in document order, descending only where errors are. */
function firstProblem(node: TreeSitter.Node): TreeSitter.Node | undefined {
  if (node.isError || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (const child of node.children) {
    if (child === null) continue;
    const found = firstProblem(child);
    if (found) return found;
  }
  return undefined;
}

function describeNode(node: TreeSitter.Node): string {
  if (node.isMissing) return `syntax error: missing \`${node.type}\``;
  const text = node.text.split("\n")[0]?.trim() ?? "";
  if (text === "") return "syntax error: unexpected end of input";
  const shown = text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
  return `syntax error: unexpected \`${shown}\``;
}
