import { readFileSync, statSync } from "node:fs";
import { type Document, isMap, isNode, isPair, isScalar, LineCounter, parseDocument, visit } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigIssue } from "../errors.js";

/** Config files are hand-written; anything bigger is a mistake or an attack. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Bounds alias expansion ("billion laughs"); the yaml default allows far more than configs need. */
export const MAX_YAML_ALIASES = 50;

export type PathKey = string | number;

/** A parsed YAML file that can point at the line and column of any value in it. */
export class YamlSource {
  constructor(
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
        if (isMap(parent)) {
          const pair = parent.items.find(
            (p) => isPair(p) && isScalar(p.key) && p.key.value === prefix.at(-1),
          );
          if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
        }
      }
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(prefix, true);
      if (isNode(node) && node.range) return node.range[0];
    }
    return 0;
  }
}

/**
 * Loads YAML safely: size-limited, core schema only (no custom tags), duplicate keys rejected,
 * aliases bounded. Throws ConfigError with every syntax problem located.
 */
export function loadYaml(file: string, displayName = file): YamlSource {
  const size = statSync(file).size;
  if (size > MAX_YAML_BYTES) {
    throw new ConfigError([
      {
        file: displayName,
        message: `file is ${size} bytes; configuration files may be at most ${MAX_YAML_BYTES}`,
      },
    ]);
  }
  return parseYaml(readFileSync(file, "utf8"), displayName);
}

export function parseYaml(text: string, displayName: string): YamlSource {
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
  return new YamlSource(displayName, data, doc, lines);
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
