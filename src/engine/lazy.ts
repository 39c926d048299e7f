import { createRequire } from "node:module";

/**
 * Libraries that `baton serve` does not need to answer `initialize` are loaded on first use, so
 * start-up stays close to a bare SDK server (docs/design.md §9). All are CommonJS, so a synchronous
 * require keeps their callers synchronous. The YAML library alone takes about as long to load as
 * the rest of start-up's own modules; the shipped roles come parsed (dist/roles.cache.json).
 */
const require = createRequire(import.meta.url);

type Handlebars = typeof import("handlebars");
type FastGlob = typeof import("fast-glob");
type Yaml = typeof import("yaml");

let handlebars: Handlebars | undefined;
let fastGlob: FastGlob | undefined;
let yaml: Yaml | undefined;

export function loadHandlebars(): Handlebars {
  handlebars ??= require("handlebars") as Handlebars;
  return handlebars;
}

export function loadFastGlob(): FastGlob {
  fastGlob ??= require("fast-glob") as FastGlob;
  return fastGlob;
}

export function loadYamlLibrary(): Yaml {
  yaml ??= require("yaml") as Yaml;
  return yaml;
}
