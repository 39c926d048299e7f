import type { Workspace } from "../config/workspace.js";
import type { Store } from "../store/api.js";
import { Catalog } from "./catalog.js";

/** Reports how far a long operation got (MCP progress notifications, CLI progress bars). */
export type Progress = (done: number, total: number, message?: string) => void;

export interface Clock {
  now(): Date;
}

export interface EngineDeps {
  workspace: Workspace;
  store: Store;
  /** Operator permission for `command` checks (`--allow-commands`); never granted by a workflow. */
  allowCommands?: boolean;
  /** Defaults to the store's clock, so timestamps in the state and in results agree. */
  clock?: Clock;
}

/**
 * What every use case runs against. Use cases are functions `(ctx, args)` in their own modules
 * (create-iteration.ts, generate.ts, validation.ts, claim.ts, submit.ts, feedback.ts, decompose.ts,
 * status.ts, orchestrate.ts); readers outside the engine use queries.ts. No MCP types here: the
 * MCP tools and the CLI call the same functions.
 */
export interface EngineContext {
  readonly workspace: Workspace;
  readonly store: Store;
  readonly clock: Clock;
  readonly catalog: Catalog;
  readonly allowCommands: boolean;
}

export function createEngine(deps: EngineDeps): EngineContext {
  return {
    workspace: deps.workspace,
    store: deps.store,
    clock: deps.clock ?? { now: () => deps.store.now() },
    catalog: new Catalog(deps.workspace, deps.store),
    allowCommands: deps.allowCommands ?? false,
  };
}
