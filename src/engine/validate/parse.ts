import { parseAllDocuments } from "yaml";
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

/** The YAML documents of a text (one value per `---` document); on failure, where and why. */
export function parseYaml(text: string): Parsed & { documents?: number } {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const values: unknown[] = [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const { line, col } = lineCol(text, error.pos[0]);
      return { ok: false, problem: `invalid YAML at ${line}:${col}: ${error.message}` };
    }
    try {
      values.push(doc.toJS({ maxAliasCount: 100 }));
    } catch (error) {
      return { ok: false, problem: `invalid YAML: ${(error as Error).message}` };
    }
  }
  return list.length > 1
    ? { ok: true, value: values, documents: list.length }
    : { ok: true, value: values[0] ?? null, documents: list.length };
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
