import path from "node:path";
import type { Store } from "./api.js";
import { SqliteStore } from "./store.js";

/** `<workspace>/.baton/baton.db`: where a workspace's state lives unless `--db` says otherwise. */
export function defaultStoreFile(workspaceRoot: string): string {
  return path.join(workspaceRoot, ".baton", "baton.db");
}

/** Opens (creating and migrating) the state of a workspace; the one place that picks the backend. */
export function openStore(file: string, now?: () => Date): Store {
  return new SqliteStore(file, now);
}
