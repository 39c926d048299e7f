import { loadAjv, schemaCheck } from "../schema.js";
import { schemaName } from "./json-schema.js";
import { fileKind } from "./kind.js";
import { schema } from "./params.js";

export const yamlSchema = fileKind({
  name: "yaml_schema",
  params: { schema: schema.describe("inline object or workspace path of a JSON Schema") },
  content: true,
  passes: "the YAML file validates against the schema (each document)",
  describe: (check, file) => `${file} validates against ${schemaName(check.schema)}`,
  load: loadAjv,
  evaluate: (check, facts, env) => schemaCheck("yaml_schema", facts, check.schema, env),
});
