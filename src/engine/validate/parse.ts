import { parse as parseYaml, YAMLParseError } from "yaml";
import type { FileFacts } from "./files.js";
import type { CheckResult } from "./types.js";

/** Line and column (1-based) of a character offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return `${line}:${offset - before.lastIndexOf("\n")}`;
}

/** Why the text is not JSON, or undefined when it parses. */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    return at
      ? `invalid JSON at ${position(text, Number(at[1]))}: ${message.replace(/ in JSON at position \d+.*$/, "")}`
      : `invalid JSON: ${message}`;
  }
}

/** Why the text is not YAML, or undefined when it parses. */
export function yamlProblem(text: string): string | undefined {
  try {
    parseYaml(text, { prettyErrors: false, maxAliasCount: 100 });
    return undefined;
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const pos = error.linePos?.[0];
      return `invalid YAML${pos ? ` at ${pos.line}:${pos.col}` : ""}: ${error.message.split("\n")[0]}`;
    }
    return `invalid YAML: ${(error as Error).message}`;
  }
}

/**
 * Why a Markdown text is unusable, or undefined: it must have content and close every code fence
 * (CommonMark: up to 3 spaces, then 3+ backticks or tildes; closed by the same character, at least
 * as long, with nothing after it).
 */
export function markdownProblem(text: string): string | undefined {
  if (text.trim() === "") return "empty Markdown";
  let open: { char: string; length: number; line: number } | undefined;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i] as string);
    if (!match) continue;
    const fence = match[1] as string;
    const rest = (match[2] as string).trim();
    if (!open) {
      if (fence[0] === "`" && rest.includes("`")) continue;
      open = { char: fence[0] as string, length: fence.length, line: i + 1 };
    } else if (fence[0] === open.char && fence.length >= open.length && rest === "") {
      open = undefined;
    }
  }
  return open
    ? `unclosed code fence opened at line ${open.line} (${open.char.repeat(open.length)})`
    : undefined;
}

/** `json` and `yaml` checks: the file parses. */
export function parseCheck(kind: "json" | "yaml", file: string, facts: FileFacts): CheckResult {
  const problem = kind === "json" ? jsonProblem(facts.text()) : yamlProblem(facts.text());
  return problem
    ? { check: kind, file, status: "failed", reason: `${file}: ${problem}` }
    : { check: kind, file, status: "passed", reason: `${file}: parses as ${kind.toUpperCase()}` };
}
