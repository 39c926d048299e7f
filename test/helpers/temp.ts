import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLE_WORKSPACE = path.join(REPO_ROOT, "examples", "stories-workspace");
export const CLI = path.join(REPO_ROOT, "dist", "cli.js");

/** A fresh temp directory (realpath, so symlink checks compare like with like), removed by `cleanup`. */
export function tempDir(prefix = "baton-test-"): { dir: string; cleanup: () => void } {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A temp copy of the example stories workspace. */
export function exampleWorkspace(): { dir: string; cleanup: () => void } {
  const temp = tempDir("baton-ws-");
  cpSync(EXAMPLE_WORKSPACE, temp.dir, { recursive: true });
  return temp;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** A complete role file (the schema of roles/*.yaml) for fixtures that must not depend on shipped roles. */
export function roleYaml(name: string, budget = 30000, threshold = 5): string {
  return `name: ${name}
perspective: ${name} perspective
responsibilities:
  - Do the ${name} work
capabilities:
  - Being a ${name}
constraints:
  token_budget: ${budget}
  complexity_threshold: ${threshold}
  dependencies: []
output_format:
  - Markdown
`;
}

/** The files of a small role library of its own, in `.baton/roles/`. */
export function roleLibrary(keys: readonly string[] = ["developer", "qa_lead"]): Record<string, string> {
  return Object.fromEntries(
    keys.map((key) => [`.baton/roles/${key}.yaml`, roleYaml(key.replaceAll("_", " "))]),
  );
}

/** Writes a small role library of its own into `<root>/.baton/roles/`. */
export function writeRoleLibrary(root: string, keys?: readonly string[]): void {
  writeFiles(root, roleLibrary(keys));
}
