import { realpathSync } from "node:fs";
import type { Document, LineCounter } from "yaml";
import type { z } from "zod";
import { loadYamlLibrary } from "../engine/lazy.js";
import { ConfigError, type ConfigIssue, UserError } from "../errors.js";
import { FileTooLargeError, packageRealPath, readGuarded } from "./workspace.js";

/** Config files are hand-written; anything bigger is a mistake or an attack. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Bounds alias expansion ("billion laughs"); the yaml default allows far more than configs need. */
export const MAX_YAML_ALIASES = 50;

export type PathKey = string | number;

/** A parsed YAML file that can point at the line and column of any value in it. */
export class YamlSource {
  constructor(
    /** The text parsed, so callers hash and keep exactly what was validated. */
    readonly text: string,
    readonly file: string,
    readonly data: unknown,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The issue at `path`; with `atKey`, at the key of the last path element rather than its value.
   * Falls back to the nearest existing ancestor so every issue has a position.
   */
  issue(path: readonly PathKey[], message: string, atKey = false): ConfigIssue {
    const offset = this.offsetOf(path, atKey);
    const pos = this.lines.linePos(offset);
    return { file: this.file, line: pos.line, col: pos.col, message };
  }

  private offsetOf(path: readonly PathKey[], atKey: boolean): number {
    for (let depth = path.length; depth >= 0; depth--) {
      const prefix = path.slice(0, depth);
      if (atKey && depth === path.length && depth > 0) {
        const parent = this.doc.getIn(prefix.slice(0, -1), true);
        const { isMap, isNode, isPair, isScalar } = loadYamlLibrary();
        if (isMap(parent)) {
          const pair = parent.items.find(
            (p) => isPair(p) && isScalar(p.key) && p.key.value === prefix.at(-1),
          );
          if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
        }
      }
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(prefix, true);
      if (loadYamlLibrary().isNode(node) && node.range) return node.range[0];
    }
    return 0;
  }
}

/**
 * The text of a configuration file through the guarded read: at most MAX_YAML_BYTES, and only from
 * inside `workspaceRoot` (links resolved) or Baton's own package, whatever links are on the way.
 */
export function readConfigText(file: string, displayName: string, workspaceRoot?: string): string {
  const roots = [packageRealPath()];
  if (workspaceRoot) roots.push(realpathSync.native(workspaceRoot));
  try {
    return readGuarded(file, roots, displayName, MAX_YAML_BYTES);
  } catch (error) {
    if (error instanceof FileTooLargeError) {
      throw new ConfigError([
        {
          file: displayName,
          message: `file is ${error.size} bytes; configuration files may be at most ${MAX_YAML_BYTES}`,
        },
      ]);
    }
    if (error instanceof UserError) throw new ConfigError([{ file: displayName, message: error.message }]);
    throw error;
  }
}

/**
 * Loads YAML safely: size-limited, guarded against links out of the workspace, core schema only
 * (no custom tags), duplicate keys rejected, anchors and aliases bounded. Throws ConfigError with
 * every syntax problem located.
 */
export function loadYaml(file: string, displayName = file, workspaceRoot?: string): YamlSource {
  return parseYaml(readConfigText(file, displayName, workspaceRoot), displayName);
}

/** `&anchor` / `*alias` tokens: where a node property may start (not `a*b`, `**bold**`, `a&b`). */
const ANCHOR = /(?:^|[\s,[{])&[^\s,[\]{}&]/g;
const ALIAS = /(?:^|[\s,[{])\*[^\s,[\]{}*]/g;
const DOCUMENT_START = /^---(?=\s|$)/gm;

/**
 * Refuses, before the parser sees it, text that parses slowly: the parser's time grows
 * quadratically with anchors (a 578 KB file took 17 s) and with documents, and configs need few
 * anchors and one document. The counts over-approximate (a `*x` inside quotes counts); the bound
 * leaves room for that.
 */
function checkCheapBounds(text: string, displayName: string): void {
  const tooMany = (regex: RegExp, limit: number, what: string) => {
    regex.lastIndex = 0;
    let count = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      if (++count <= limit) continue;
      const at = match.index + match[0].search(/[&*-]/);
      const line = text.slice(0, at).split("\n").length;
      const col = at - text.lastIndexOf("\n", at - 1);
      throw new ConfigError([{ file: displayName, line, col, message: what }]);
    }
  };
  tooMany(
    ANCHOR,
    MAX_YAML_ALIASES,
    `YAML: more than ${MAX_YAML_ALIASES} anchors (\`&name\`); configuration files may define at most ${MAX_YAML_ALIASES}`,
  );
  tooMany(
    ALIAS,
    MAX_YAML_ALIASES,
    `YAML: more than ${MAX_YAML_ALIASES} aliases (\`*name\`); configuration files may use at most ${MAX_YAML_ALIASES}`,
  );
  tooMany(DOCUMENT_START, 1, "YAML: a second document (`---`); a configuration file holds one YAML document");
}

export function parseYaml(text: string, displayName: string): YamlSource {
  checkCheapBounds(text, displayName);
  const { LineCounter, parseDocument, visit } = loadYamlLibrary();
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    schema: "core",
    prettyErrors: false,
  });
  const problems = [...doc.errors, ...doc.warnings].map((e): ConfigIssue => {
    // linePos is only filled in with prettyErrors; the line counter locates every error without it.
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    const message = e.message.split("\n")[0] ?? e.message;
    const hint = /tag/i.test(message) ? " (custom YAML tags are not allowed)" : "";
    return { file: displayName, line: pos?.line, col: pos?.col, message: `YAML: ${message}${hint}` };
  });
  if (problems.length > 0) throw new ConfigError(problems);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    let firstAlias: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        firstAlias = node.range?.[0];
        return visit.BREAK;
      },
    });
    const pos = firstAlias === undefined ? undefined : lines.linePos(firstAlias);
    throw new ConfigError([
      {
        file: displayName,
        line: pos?.line,
        col: pos?.col,
        message: `YAML: ${(error as Error).message}; aliases may expand to at most ${MAX_YAML_ALIASES} nodes`,
      },
    ]);
  }
  return new YamlSource(text, displayName, data, doc, lines);
}

/** Validates `source.data` against a zod schema; every zod issue becomes a located ConfigIssue. */
export function validateWith<T>(source: YamlSource, schema: z.ZodType<T>): T {
  const result = schema.safeParse(source.data);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.flatMap(unwrapUnion).map((issue) => {
      if (issue.code === "unrecognized_keys") {
        const key = issue.keys[0] ?? "";
        return source.issue([...(issue.path as PathKey[]), key], issue.message, true);
      }
      const where = issue.path.length > 0 ? `\`${issue.path.join(".")}\`: ` : "";
      return source.issue(issue.path as PathKey[], `${where}${issue.message}`);
    }),
  );
}

type ZodIssue = z.core.$ZodIssue;

/**
 * A union whose branches all but one rejected the value's type (a criterion that is not a string,
 * so it must be a check object) reports that branch's issues, which name the key and the valid
 * choices, instead of zod's bare "Invalid input".
 */
function unwrapUnion(issue: ZodIssue): ZodIssue[] {
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return [issue];
  const typeMismatch = (branch: ZodIssue[]) =>
    branch.length === 1 && branch[0]?.code === "invalid_type" && branch[0].path.length === 0;
  const candidates = issue.errors.filter((branch) => !typeMismatch(branch));
  if (candidates.length !== 1) return [issue];
  return (candidates[0] as ZodIssue[])
    .map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as ZodIssue)
    .flatMap(unwrapUnion);
}
