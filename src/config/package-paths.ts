import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The installed package's root, where shipped roles/, workflows/, templates/ and examples/ live:
 * the nearest folder above this module with Baton's package.json (this module runs from src/ in
 * tests, dist/ when installed, and dist-bench/src/ in the benchmark).
 */
function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "baton-mcp"
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find Baton's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
export const SHIPPED_ROLES_DIR = path.join(PACKAGE_ROOT, "roles");
export const SHIPPED_WORKFLOWS_DIR = path.join(PACKAGE_ROOT, "workflows");
export const SHIPPED_TEMPLATES_DIR = path.join(PACKAGE_ROOT, "templates");
export const EXAMPLE_WORKSPACE_DIR = path.join(PACKAGE_ROOT, "examples", "stories-workspace");
/** The demo's deterministic stand-in agent, built next to the CLI. */
export const STAND_IN_AGENT = path.join(PACKAGE_ROOT, "dist", "demo", "stand-in-agent.js");
