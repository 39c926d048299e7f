import { readFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Workspace } from "./config/workspace.js";
import type { Sampler } from "./engine/decompose.js";
import { createEngine, type EngineContext } from "./engine/engine.js";
import { registerPrompts } from "./prompts/index.js";
import { RESOURCES } from "./resources/index.js";
import { registerResource, registerResourceList } from "./resources/resource.js";
import { RESOURCE_CAPABILITIES, type SubscriptionHub, Subscriptions } from "./resources/subscriptions.js";
import type { Store } from "./store/api.js";
import { defaultStoreFile, openStore } from "./store/index.js";
import { TOOLS } from "./tools/index.js";
import { type Elicitor, registerTool } from "./tools/tool.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export const SERVER_INSTRUCTIONS = `Baton orchestrates role-based AI agents. You are the Master Orchestrator: you assess, decide and delegate; agents do the work; Baton keeps state and validates.
Loop: get_status → create_iteration (a workflow from baton://workflows, with its inputs) → generate_prompts → hand each prompt_uri to a sub-agent of its role → get_status while they work → validate_iteration → record_feedback → create_iteration with the run_id for the next ready iteration.
Only a passing validation completes an iteration; never write deliverables yourself. The master_orchestrator prompt has the full playbook.`;

export interface ServerDeps {
  workspace: Workspace;
  store: Store;
  /** Operator permission for `command` checks (`baton serve --allow-commands`). */
  allowCommands?: boolean;
}

export interface CreateServerOptions {
  /** Registers the server's resource subscriptions here while it is open (one watcher, many clients). */
  hub?: SubscriptionHub;
  /** Awaited before each tool call and resource read: the workspace may still be on its way (roots.ts). */
  ready?: () => Promise<void>;
}

export interface BuiltServer {
  server: McpServer;
  engine: EngineContext;
  /** This client's resource subscriptions: `notifyUpdated(uri)` tells it when a watched resource changed. */
  subscriptions: Subscriptions;
  /** Lists the role prompts of the engine's workspace anew (roots.ts: the workspace changed). */
  refreshPrompts: () => void;
  /**
   * Closes this server (and its transport) only. The store is shared (several HTTP sessions use one)
   * and stays open: whoever opened it closes it.
   */
  close: () => Promise<void>;
}

/** Builds the MCP server over an engine; the caller owns the transport and the store. */
export function createServer(
  deps: ServerDeps | { engine: EngineContext },
  options: CreateServerOptions = {},
): BuiltServer {
  // An engine given whole is one whose workspace comes later (the client's roots, roots.ts).
  const engine = "engine" in deps ? deps.engine : createEngine(deps);
  const server = new McpServer(
    { name: "baton", title: "Baton", version: pkg.version },
    {
      instructions: SERVER_INSTRUCTIONS,
      capabilities: { tools: {}, resources: { ...RESOURCE_CAPABILITIES }, prompts: {}, logging: {} },
    },
  );
  const sampler = (): Sampler | undefined =>
    server.server.getClientCapabilities()?.sampling
      ? async ({ system, prompt }) => {
          const answer = await server.server.createMessage({
            systemPrompt: system,
            messages: [{ role: "user", content: { type: "text", text: prompt } }],
            maxTokens: 4000,
          });
          return answer.content.type === "text" ? answer.content.text : "";
        }
      : undefined;
  const elicit = (): Elicitor | undefined =>
    server.server.getClientCapabilities()?.elicitation?.form
      ? async ({ message, fields, required }) =>
          server.server.elicitInput({
            mode: "form",
            message,
            requestedSchema: { type: "object", properties: fields, required },
          })
      : undefined;
  for (const tool of TOOLS) registerTool(server, tool, { engine, sampler, elicit, ready: options.ready });
  for (const resource of RESOURCES) registerResource(server, resource, { engine, ready: options.ready });
  registerResourceList(server, RESOURCES, { engine, ready: options.ready });
  const refreshPrompts = registerPrompts(server, { engine });
  const subscriptions = new Subscriptions(server);
  const leaveHub = options.hub?.add(subscriptions);
  return {
    server,
    engine,
    subscriptions,
    refreshPrompts,
    close: async () => {
      leaveHub?.();
      subscriptions.close();
      await server.close();
    },
  };
}

/** Opens the workspace and its database as `baton serve` does. */
export function openDeps(options: { workspace: string; db?: string }): ServerDeps {
  const workspace = new Workspace(options.workspace);
  const store = openStore(options.db ?? defaultStoreFile(workspace.root));
  return { workspace, store };
}
