// Which folder of src/ may import which, checked by `npm run lint` (scripts/check-layers.mjs).
// The engine, the configuration and the store are Baton's core: they know nothing of MCP, so
// that the CLI, the HTTP and stdio servers and tests can all drive the same engine, and a second
// store backend can be written against the store alone.

/** The MCP layer and the front ends built on the core. */
const FRONT_ENDS = [
  "^node_modules/@modelcontextprotocol/",
  "^src/tools/",
  "^src/resources/",
  "^src/prompts/",
  "^src/transports/",
  "^src/commands/",
  "^src/dashboard/",
  "^src/cli\\.ts$",
  "^src/server\\.ts$",
  "^src/live\\.ts$",
];

/** @type {import("baton-layers/node_modules/baton-layers").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle: modules that need each other are one module, or share a third one.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "core-not-mcp",
      severity: "error",
      comment:
        "src/engine, src/config and src/store are the core: they never import the MCP SDK, tools, resources, prompts, transports or the CLI.",
      from: { path: "^src/(engine|config|store)/" },
      to: { path: FRONT_ENDS },
    },
    {
      name: "store-stands-alone",
      severity: "error",
      comment:
        "src/store is a backend behind an interface: it imports only itself and the shared errors module, nothing of the engine or the configuration.",
      from: { path: "^src/store/" },
      to: { path: "^src/", pathNot: ["^src/store/", "^src/errors\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: ["^src/", "^node_modules/@modelcontextprotocol/"],
    // Type-only imports count: a core module that names an MCP type depends on MCP all the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".d.ts"],
    },
    skipAnalysisNotInRules: true,
  },
};
