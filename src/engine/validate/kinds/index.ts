import type { z } from "zod";
import { command } from "./command.js";
import { contains } from "./contains.js";
import { exists } from "./exists.js";
import { headings } from "./headings.js";
import { json } from "./json.js";
import { jsonSchema } from "./json-schema.js";
import type { CheckKindDef } from "./kind.js";
import { markdown } from "./markdown.js";
import { maxBytes } from "./max-bytes.js";
import { minBytes } from "./min-bytes.js";
import { notContains } from "./not-contains.js";
import { regex } from "./regex.js";
import { scope } from "./scope.js";
import { yaml } from "./yaml.js";
import { yamlSchema } from "./yaml-schema.js";

/**
 * Every check kind, in the order the docs list them. The workflow schema, the criteria text, the
 * runner, the docs table and feedback synthesis all read this list: a new kind is one file in this
 * folder (see docs/validation.md, "Adding a check kind") plus its line here.
 */
export const CHECK_KIND_LIST = [
  exists,
  minBytes,
  maxBytes,
  contains,
  notContains,
  regex,
  headings,
  jsonSchema,
  yamlSchema,
  markdown,
  json,
  yaml,
  scope,
  command,
] as const satisfies readonly CheckKindDef[];

type AnyKind = (typeof CHECK_KIND_LIST)[number];
export type CheckKind = AnyKind["name"];

/** The `check:` values, in registry order. */
export const CHECK_KINDS = CHECK_KIND_LIST.map((k) => k.name) as [CheckKind, ...CheckKind[]];

const BY_NAME: ReadonlyMap<string, CheckKindDef> = new Map(CHECK_KIND_LIST.map((k) => [k.name, k]));

/** The kind of this name, or undefined for a name the registry does not know. */
export function kindNamed(name: string): CheckKindDef | undefined {
  return BY_NAME.get(name);
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
/** A kind's parameters as an object type; a kind without any adds nothing. */
type ParamsOfKind<K> = K extends { params: infer S extends z.ZodRawShape }
  ? keyof S extends never
    ? Record<never, never>
    : z.output<z.ZodObject<S>>
  : never;

/** Every parameter of every kind, each optional: the flat shape a check object is parsed with. */
export type CheckParams = Partial<UnionToIntersection<ParamsOfKind<AnyKind>>>;

/** The parameter keys of all kinds, each with its schema (first declaration) made optional. */
export function paramShape(): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const kind of CHECK_KIND_LIST) {
    for (const [key, schema] of Object.entries(kind.params)) shape[key] ??= (schema as z.ZodType).optional();
  }
  return shape;
}

const ALL_PARAM_KEYS = Object.keys(paramShape());

/**
 * What is wrong with a check's parameters for its kind: a required one missing, one the kind does
 * not take (values were parsed by the flat shape), or a rule of the kind's own `validate`. Paths are relative to the check object.
 */
export function paramIssues(check: Record<string, unknown>): { path: string; message: string }[] {
  const kind = kindNamed(String(check.check));
  if (!kind) return [];
  const own = kind.params as Record<string, z.ZodType>;
  const issues: { path: string; message: string }[] = [];
  for (const [key, schema] of Object.entries(own)) {
    if (check[key] === undefined && !schema.safeParse(undefined).success) {
      issues.push({ path: key, message: `check \`${kind.name}\` needs \`${key}\`` });
    }
  }
  const keys = Object.keys(own);
  for (const key of ALL_PARAM_KEYS) {
    if (check[key] !== undefined && !keys.includes(key)) {
      const takes =
        keys.length === 0 ? "it takes none" : `it takes ${keys.map((k) => `\`${k}\``).join(", ")}`;
      issues.push({
        path: key,
        message: `\`${key}\` is not a parameter of check \`${kind.name}\`; ${takes}`,
      });
    }
  }
  if (issues.length === 0 && kind.validate) issues.push(...kind.validate(check as never));
  return issues;
}
