// Rewrites the generated sections of the README (tools, resources, prompts, workflows, check kinds,
// CLI usage) and of docs/formats.md from the built server and CLI.
import { readFileSync, writeFileSync } from "node:fs";
import { fillMarkers, generatedDocs } from "../dist/docs/surface.js";

for (const [name, sections] of Object.entries(await generatedDocs())) {
  const file = new URL(`../${name}`, import.meta.url);
  const before = readFileSync(file, "utf8");
  const after = fillMarkers(before, sections, name);
  if (after !== before) writeFileSync(file, after);
  console.log(after === before ? `${name} is up to date` : `${name}: generated sections updated`);
}
