// Rewrites the README's generated tables (tools, resources, prompts) from the built server.
import { readFileSync, writeFileSync } from "node:fs";
import { updateReadme } from "../dist/docs/surface.js";

const file = new URL("../README.md", import.meta.url);
const before = readFileSync(file, "utf8");
const after = updateReadme(before);
if (after !== before) writeFileSync(file, after);
console.log(after === before ? "README.md is up to date" : "README.md tables updated");
