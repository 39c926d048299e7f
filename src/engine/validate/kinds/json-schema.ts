import { loadAjv, schemaCheck } from "../schema.js";
import { fileKind } from "./kind.js";
import { schema } from "./params.js";

/** How a schema check names its schema in prompts. */
export function schemaName(value: string | Record<string, unknown>): string {
  return typeof value === "string" ? `\`${value}\`` : "the workflow's inline schema";
}

export const jsonSchema = fileKind({
  name: "json_schema",
  params: { schema: schema.describe("inline object or workspace path of a JSON Schema") },
  content: true,
  passes: "the JSON file validates against the schema",
  describe: (check, file) => `${file} validates against ${schemaName(check.schema)}`,
  load: loadAjv,
  evaluate: (check, facts, env) => schemaCheck("json_schema", facts, check.schema, env),
});
