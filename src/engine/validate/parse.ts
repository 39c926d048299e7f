import type { Document } from "yaml";
import { loadYamlLibrary } from "../lazy.js";
import type { FileFacts, Parsed } from "./files.js";
import { lineCol, locateJsonError } from "./json-error.js";
import type { CheckResult } from "./results.js";

/** Parses JSON; on failure, `problem` is `invalid JSON at <line>:<col>: <message>`. */
export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const located = locateJsonError(text);
    if (located) {
      const { line, col } = lineCol(text, located.offset);
      return { ok: false, problem: `invalid JSON at ${line}:${col}: ${located.message}` };
    }
    return { ok: false, problem: `invalid JSON: ${(error as Error).message}` };
  }
}

/**
 * Bounds on one YAML deliverable. Parsing is linear, but each alias is resolved by a walk over its
 * document, and every document is an object: a file of aliases or of `---` lines otherwise blocks
 * the server for seconds to minutes.
 */
export const MAX_YAML_DOCUMENTS = 1000;
export const MAX_YAML_ALIASES = 500;
/** Characters of YAML parsed at most (the library takes seconds per MiB). */
export const MAX_YAML_CHARS = 1024 * 1024;

/** The YAML documents of a text (one value per `---` document); on failure, where and why. */
export function parseYaml(text: string): Parsed & { documents?: number } {
  if (text.length > MAX_YAML_CHARS) {
    return {
      ok: false,
      problem: `${text.length} characters is too large to parse as YAML (the limit is ${MAX_YAML_CHARS})`,
    };
  }
  // Parser and Composer are generators: a file with too many documents stops being read at the cap.
  // The library's own duplicate-key check compares every key with every other (a map of 20,000 keys
  // took 24 s); duplicateKey() does it in one pass.
  const { Composer, Parser, visit } = loadYamlLibrary();
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false });
  const values: unknown[] = [];
  let count = 0;
  for (const doc of composer.compose(new Parser().parse(text), true, text.length)) {
    if (++count > MAX_YAML_DOCUMENTS) {
      return { ok: false, problem: `too many YAML documents (more than ${MAX_YAML_DOCUMENTS}); not checked` };
    }
    const error = doc.errors[0];
    if (error) {
      const { line, col } = lineCol(text, error.pos[0]);
      return { ok: false, problem: `invalid YAML at ${line}:${col}: ${error.message}` };
    }
    const duplicate = duplicateKey(doc);
    if (duplicate) {
      const { line, col } = lineCol(text, duplicate.offset);
      return { ok: false, problem: `invalid YAML at ${line}:${col}: Map keys must be unique` };
    }
    let aliases = 0;
    visit(doc, {
      Alias: () => (++aliases > MAX_YAML_ALIASES ? visit.BREAK : undefined),
    });
    if (aliases > MAX_YAML_ALIASES) {
      return {
        ok: false,
        problem: `too many YAML aliases (more than ${MAX_YAML_ALIASES} in document ${count}); not checked`,
      };
    }
    try {
      values.push(doc.toJS({ maxAliasCount: 100 }));
    } catch (error) {
      return { ok: false, problem: `invalid YAML: ${(error as Error).message}` };
    }
  }
  return count > 1
    ? { ok: true, value: values, documents: count }
    : { ok: true, value: values[0] ?? null, documents: count };
}

/** The first key repeated in a map of the document (scalar keys, compared by value), in one pass. */
function duplicateKey(doc: Document.Parsed): { offset: number } | undefined {
  let found: { offset: number } | undefined;
  const { isScalar, visit } = loadYamlLibrary();
  visit(doc, {
    Map: (_, map) => {
      const seen = new Set<unknown>();
      for (const item of map.items) {
        const key = isScalar(item.key) ? item.key.value : item.key;
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        found = { offset: (isScalar(item.key) ? item.key.range?.[0] : undefined) ?? map.range?.[0] ?? 0 };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The file's JSON, parsed once per run however many checks need it. */
export function jsonOf(facts: FileFacts): Parsed {
  return facts.cached("json", () => parseJson(facts.text()));
}

/** The file's YAML, parsed once per run however many checks need it. */
export function yamlOf(facts: FileFacts): Parsed & { documents?: number } {
  return facts.cached("yaml", () => parseYaml(facts.text()));
}

/** `json` and `yaml` checks: the file parses. */
export function parseCheck(kind: "json" | "yaml", facts: FileFacts): CheckResult {
  const file = facts.file;
  const parsed = kind === "json" ? jsonOf(facts) : yamlOf(facts);
  return parsed.ok
    ? { check: kind, file, status: "passed", reason: `${file}: parses as ${kind.toUpperCase()}` }
    : {
        check: kind,
        file,
        status: "failed",
        reason: `${file}: ${parsed.problem}`,
        miss: { expected: kind.toUpperCase(), found: parsed.problem },
      };
}
