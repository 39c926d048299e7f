import { fileURLToPath } from "node:url";

/** The installed package's root: shipped roles/, workflows/ and templates/ live beside dist/. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SHIPPED_ROLES_DIR = fileURLToPath(new URL("../../roles/", import.meta.url));
export const SHIPPED_WORKFLOWS_DIR = fileURLToPath(new URL("../../workflows/", import.meta.url));
export const SHIPPED_TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));
export const EXAMPLE_WORKSPACE_DIR = fileURLToPath(
  new URL("../../examples/stories-workspace/", import.meta.url),
);
/** The demo's deterministic stand-in agent (built next to this file's folder). */
export const STAND_IN_AGENT = fileURLToPath(new URL("../demo/stand-in-agent.js", import.meta.url));
