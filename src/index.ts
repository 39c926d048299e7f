/**
 * Baton's library API (`import { createServer } from "baton-mcp"`): build the MCP server over a
 * workspace and its database, and connect it to a transport of your own. The one entry point the
 * package exports; what is not re-exported here is internal and may change between releases.
 */
export { Workspace } from "./config/workspace.js";
export { createEngine, type EngineContext, type EngineDeps } from "./engine/engine.js";
export {
  type BuiltServer,
  type CreateServerOptions,
  createServer,
  openDeps,
  type ServerDeps,
} from "./server.js";
export { type Store, StoreError } from "./store/api.js";
export { defaultStoreFile, openStore } from "./store/index.js";
