import type { ErrorObject, ValidateFunction } from "ajv";
import type { FileCache, FileFacts, Parsed } from "./files.js";
import type { FileEnv } from "./kinds/kind.js";
import { jsonOf, parseJson, parseYaml, yamlOf } from "./parse.js";
import { testBounded } from "./regex.js";
import type { CheckResult } from "./results.js";

type Draft = "2020" | "2019" | "07";
interface AjvLike {
  compile(schema: object): ValidateFunction;
}
type AjvClass = new (options: object) => AjvLike;

let classes: Record<Draft, AjvClass> | undefined;
const instances = new Map<Draft, AjvLike>();
/** Compiled validators keyed by draft and schema text: each schema is compiled once per process. */
const compiled = new Map<string, ValidateFunction | string>();
const MAX_COMPILED = 256;
/** The same schema object (one inline schema expanded over many files) skips even the key. */
const byObject = new WeakMap<object, ValidateFunction | string>();

/** Until when (epoch ms) the `pattern` tests of the schema check being evaluated may run. */
let patternsUntil = Number.POSITIVE_INFINITY;

class PatternTimeout extends Error {}

/**
 * ajv's regex engine (its `code.regExp` option): JavaScript regexes, each test run under the time
 * left to the current schema check, so `^(a+)+$` against 29 characters fails instead of blocking
 * the server for a minute and a half.
 */
const boundedRegExp = Object.assign(
  (pattern: string, flags: string) => {
    const regex = new RegExp(pattern, flags);
    return {
      // ajv keys its compiled patterns by this text.
      toString: () => regex.toString(),
      test(text: string): boolean {
        const outcome = testBounded(regex, text, patternsUntil - Date.now());
        if (outcome === "timeout") throw new PatternTimeout();
        return outcome;
      },
    };
  },
  { code: "boundedRegExp" },
);

/** ajv is loaded on the first schema check, not at start-up. */
export async function loadAjv(): Promise<void> {
  if (classes) return;
  const [ajv2020, ajv2019, ajv07] = await Promise.all([
    import("ajv/dist/2020.js"),
    import("ajv/dist/2019.js"),
    import("ajv"),
  ]);
  classes = {
    "2020": ajv2020.default.default as unknown as AjvClass,
    "2019": ajv2019.default.default as unknown as AjvClass,
    "07": ajv07.default.default as unknown as AjvClass,
  };
}

/** JSON Schema 2020-12 unless `$schema` names 2019-09 or an older draft (validated as draft-07). */
function draftOf(schema: Record<string, unknown>): Draft {
  const declared = typeof schema.$schema === "string" ? schema.$schema : "";
  if (declared.includes("2019-09")) return "2019";
  if (/draft-0[3-7]/.test(declared)) return "07";
  return "2020";
}

/** A validator for the schema, or why the schema cannot be used. Call `loadAjv` first. */
function validatorFor(schema: Record<string, unknown>): ValidateFunction | string {
  if (!classes) throw new Error("loadAjv() was not awaited");
  const known = byObject.get(schema);
  if (known !== undefined) return known;
  const draft = draftOf(schema);
  const key = `${draft}\0${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (validate === undefined) {
    let ajv = instances.get(draft);
    if (!ajv) {
      ajv = new classes[draft]({
        allErrors: true,
        strict: false,
        logger: false,
        validateFormats: false,
        code: { regExp: boundedRegExp },
      });
      instances.set(draft, ajv);
    }
    // draft-04/06 meta-schemas are not bundled; their keywords are validated as draft-07.
    const usable = draft === "07" && !String(schema.$schema).includes("draft-07") ? { ...schema } : schema;
    if (usable !== schema) delete usable.$schema;
    try {
      validate = ajv.compile(usable);
    } catch (error) {
      validate = `the schema is invalid: ${(error as Error).message}`;
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, validate);
  }
  byObject.set(schema, validate);
  return validate;
}

/** The schema object of a check: inline, or a workspace JSON/YAML file (read through the run's cache). */
function schemaObject(
  schema: string | Record<string, unknown>,
  files: FileCache,
): Record<string, unknown> | string {
  if (typeof schema !== "string") return schema;
  const facts = files.get(schema);
  const problem = facts.contentProblem;
  if (problem) return problem;
  const yaml = /\.ya?ml$/i.test(schema);
  const parsed: Parsed = yaml
    ? facts.cached("schema-yaml", () => parseYaml(facts.text()))
    : facts.cached("schema-json", () => parseJson(facts.text()));
  if (!parsed.ok) return `${schema}: ${parsed.problem}`;
  if (typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) {
    return `${schema}: a schema must be an object`;
  }
  return parsed.value as Record<string, unknown>;
}

/** One ajv error as `<instancePath> <message>`, with the offending property or allowed values. */
function describeError(e: ErrorObject): string {
  const where = e.instancePath === "" ? "/" : e.instancePath;
  const params = e.params as Record<string, unknown>;
  let detail = "";
  if (typeof params.additionalProperty === "string") detail = ` ("${params.additionalProperty}")`;
  else if (Array.isArray(params.allowedValues))
    detail = ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(", ")})`;
  return `${where} ${e.message ?? "is invalid"}${detail}`;
}

const SHOWN = 10;

/**
 * `json_schema` / `yaml_schema`: the file parses (JSON or YAML) and validates against the schema.
 * A multi-document YAML file validates each document. Call `loadAjv` first.
 */
export function schemaCheck(
  kind: "json_schema" | "yaml_schema",
  facts: FileFacts,
  schema: string | Record<string, unknown>,
  env: Pick<FileEnv, "files" | "regexTimeoutMs" | "deadline">,
): CheckResult {
  const files = env.files;
  const file = facts.file;
  const schemaName = typeof schema === "string" ? schema : "the inline schema";
  const fail = (reason: string, found?: string[]): CheckResult => ({
    check: kind,
    file,
    status: "failed",
    reason,
    miss: found ? { expected: schemaName, found } : { expected: schemaName },
  });
  const parsed = kind === "json_schema" ? jsonOf(facts) : yamlOf(facts);
  if (!parsed.ok) return fail(`${file}: ${parsed.problem}`);
  const object = schemaObject(schema, files);
  if (typeof object === "string") return fail(`${file}: cannot use schema ${schemaName}: ${object}`);
  const validate = validatorFor(object);
  if (typeof validate === "string") return fail(`${file}: cannot use schema ${schemaName}: ${validate}`);

  const multi = kind === "yaml_schema" && (yamlOf(facts).documents ?? 0) > 1;
  const documents = multi ? (parsed.value as unknown[]) : undefined;
  const errors: string[] = [];
  // The schema's `pattern`s get the regex check's limit per file, and never run past the validation's deadline.
  patternsUntil = Math.min(Date.now() + env.regexTimeoutMs, env.deadline);
  try {
    for (const [index, value] of (documents ?? [parsed.value]).entries()) {
      if (validate(value)) continue;
      const prefix = documents ? `document ${index + 1}: ` : "";
      for (const e of validate.errors ?? []) errors.push(`${prefix}${describeError(e)}`);
    }
  } catch (error) {
    if (!(error instanceof PatternTimeout)) throw error;
    return {
      ...fail(
        `${file}: a \`pattern\` of ${schemaName} did not finish within ${env.regexTimeoutMs} ms ` +
          "(catastrophic backtracking?), or the validation ran out of time; simplify the pattern",
      ),
      miss: { expected: schemaName, found: "timeout" },
    };
  } finally {
    patternsUntil = Number.POSITIVE_INFINITY;
  }
  if (errors.length === 0) {
    return { check: kind, file, status: "passed", reason: `${file}: valid against ${schemaName}` };
  }
  const shown = errors.slice(0, SHOWN).join("; ");
  const more = errors.length > SHOWN ? `; and ${errors.length - SHOWN} more` : "";
  return fail(`${file}: does not match ${schemaName}: ${shown}${more}`, errors.slice(0, SHOWN));
}
