// `npm run lint`: checks src/ against the layer rules in .dependency-cruiser.cjs with dependency-cruiser
// (installed in scripts/layers, next to the TypeScript 5 it parses with). Known violations listed in
// .dependency-cruiser-known-violations.json, when that file exists, are tolerated; new ones fail.
// Usage: node scripts/check-layers.mjs [project root, default this repository]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "layers/node_modules/baton-layers/bin/dependency-cruise.mjs");
const root = path.resolve(process.argv[2] ?? path.join(here, ".."));
const known = ".dependency-cruiser-known-violations.json";

if (!existsSync(cli)) {
  process.stderr.write(`check-layers: ${path.relative(root, cli)} is missing: run npm install\n`);
  process.exit(2);
}
const args = [cli, "src", "--config", ".dependency-cruiser.cjs", "--output-type", "err"];
if (existsSync(path.join(root, known))) args.push("--ignore-known", known);
const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
