import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ValidateFunction } from "ajv";
import { parse as parseYaml } from "yaml";
import type { Workspace } from "../../config/workspace.js";
import type { FileFacts } from "./files.js";
import { jsonProblem, yamlProblem } from "./parse.js";
import type { CheckResult } from "./types.js";

type AjvInstance = { compile(schema: object): ValidateFunction };
let ajv: AjvInstance | undefined;
const compiled = new Map<string, ValidateFunction>();

/** ajv is loaded on the first schema check; each schema is compiled once, keyed by its content. */
async function validatorFor(schema: object): Promise<ValidateFunction> {
  if (!ajv) {
    const { default: Ajv } = (await import("ajv")) as unknown as { default: new (o: object) => AjvInstance };
    ajv = new Ajv({ allErrors: true, strict: false });
  }
  const key = createHash("sha256").update(JSON.stringify(schema)).digest("hex");
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  return validate;
}

/** The schema object: inline, or read from a workspace JSON/YAML file. */
function loadSchema(schema: string | Record<string, unknown>, workspace: Workspace): object {
  if (typeof schema !== "string") return schema;
  const text = readFileSync(workspace.resolve(schema, "schema"), "utf8");
  return (schema.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as object;
}

/** `json_schema` / `yaml_schema`: the file parses and validates against the schema. */
export async function schemaCheck(
  kind: "json_schema" | "yaml_schema",
  file: string,
  facts: FileFacts,
  schema: string | Record<string, unknown>,
  workspace: Workspace,
): Promise<CheckResult> {
  const text = facts.text();
  const problem = kind === "json_schema" ? jsonProblem(text) : yamlProblem(text);
  if (problem) return { check: kind, file, status: "failed", reason: `${file}: ${problem}` };
  let validate: ValidateFunction;
  try {
    validate = await validatorFor(loadSchema(schema, workspace));
  } catch (error) {
    return {
      check: kind,
      file,
      status: "failed",
      reason: `schema ${typeof schema === "string" ? schema : "(inline)"} is unusable: ${(error as Error).message}`,
    };
  }
  const data: unknown = kind === "json_schema" ? JSON.parse(text) : parseYaml(text);
  if (validate(data))
    return { check: kind, file, status: "passed", reason: `${file}: valid against the schema` };
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
  return { check: kind, file, status: "failed", reason: `${file}: ${errors.join("; ")}` };
}
