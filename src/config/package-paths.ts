import { fileURLToPath } from "node:url";

/** The installed package's root: shipped roles/, workflows/ and templates/ live beside dist/. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const SHIPPED_ROLES_DIR = fileURLToPath(new URL("../../roles/", import.meta.url));
export const SHIPPED_WORKFLOWS_DIR = fileURLToPath(new URL("../../workflows/", import.meta.url));
export const SHIPPED_TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));
