// Rewrites the README's generated tables (tools, resources, prompts) from the built server.
import { readFileSync, writeFileSync } from "node:fs";
import { updateReadme } from "../dist/docs/surface.js";

const file = new URL("../README.md", import.meta.url);
const before = readFileSync(file, "utf8");
const after = updateReadme(before);
if (after !== before) writeFileSync(file, after);
console.log(after === before ? "README.md is up to date" : "README.md tables updated");

// docs/formats.md: the table of check kinds, from the registry of kinds.
const { updateCheckKindsTable } = await import("../dist/engine/validate/kinds/table.js");
const formats = new URL("../docs/formats.md", import.meta.url);
const formatsBefore = readFileSync(formats, "utf8");
const formatsAfter = updateCheckKindsTable(formatsBefore);
if (formatsAfter !== formatsBefore) writeFileSync(formats, formatsAfter);
console.log(
  formatsAfter === formatsBefore ? "docs/formats.md is up to date" : "docs/formats.md table updated",
);
