import { createRequire } from "node:module";

/**
 * Libraries that `baton serve` does not need to answer `initialize` are loaded on first use, so
 * start-up stays close to a bare SDK server (docs/design.md §9). Both are CommonJS, so a synchronous
 * require keeps their callers synchronous.
 */
const require = createRequire(import.meta.url);

type Handlebars = typeof import("handlebars");
type FastGlob = typeof import("fast-glob");

let handlebars: Handlebars | undefined;
let fastGlob: FastGlob | undefined;

export function loadHandlebars(): Handlebars {
  handlebars ??= require("handlebars") as Handlebars;
  return handlebars;
}

export function loadFastGlob(): FastGlob {
  fastGlob ??= require("fast-glob") as FastGlob;
  return fastGlob;
}
