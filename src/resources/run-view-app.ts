import { readFileSync } from "node:fs";
import { MCP_APP_MIME_TYPE, RUN_VIEW_URI } from "../dashboard/mcp-app.js";
import { defineResource } from "./resource.js";

export const runViewAppResource = defineResource({
  name: "run-view",
  uri: RUN_VIEW_URI,
  title: "Run view (MCP App)",
  description:
    "An interactive view of runs, iterations and assignment progress that hosts supporting MCP Apps show beside get_status, create_iteration and validate_iteration.",
  mimeType: MCP_APP_MIME_TYPE,
  // Built by `npm run build` (scripts/build-dashboard.mjs): one HTML file with its script inlined.
  read: () => readFileSync(new URL("../../dist/dashboard/web/mcp-app.html", import.meta.url), "utf8"),
});
