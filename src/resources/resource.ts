import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError, type ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import type { EngineContext } from "../engine/engine.js";
import { ConfigError, UserError } from "../errors.js";

export interface ResourceContext {
  engine: EngineContext;
}

export interface ResourceEntry {
  uri: string;
  name: string;
  title?: string;
  description?: string;
}

/** One resource or resource template, declared once and registered from one list. */
export interface ResourceDefinition {
  name: string;
  /** A fixed URI, or an RFC 6570 template such as `baton://roles/{name}`. */
  uri: string;
  title: string;
  description: string;
  mimeType: string;
  /** For templates: the concrete resources that exist now. */
  list?(ctx: ResourceContext): ResourceEntry[];
  read(vars: Record<string, string>, ctx: ResourceContext): string;
}

export function defineResource(resource: ResourceDefinition): ResourceDefinition {
  return resource;
}

/** Unknown names and similar caller mistakes answer with -32602 and the valid choices. */
function wrapRead(
  resource: ResourceDefinition,
  uri: URL,
  vars: Record<string, string>,
  ctx: ResourceContext,
): ReadResourceResult {
  try {
    return { contents: [{ uri: uri.href, mimeType: resource.mimeType, text: resource.read(vars, ctx) }] };
  } catch (error) {
    if (error instanceof UserError || error instanceof ConfigError) {
      throw new McpError(ErrorCode.InvalidParams, `${uri.href}: ${error.message}`);
    }
    throw error;
  }
}

export function registerResource(
  server: McpServer,
  resource: ResourceDefinition,
  ctx: ResourceContext,
): void {
  const metadata = { title: resource.title, description: resource.description, mimeType: resource.mimeType };
  if (!resource.uri.includes("{")) {
    server.registerResource(resource.name, resource.uri, metadata, (uri) => wrapRead(resource, uri, {}, ctx));
    return;
  }
  const list = resource.list;
  const template = new ResourceTemplate(resource.uri, {
    list: list
      ? () => ({ resources: list(ctx).map((entry) => ({ ...entry, mimeType: resource.mimeType })) })
      : undefined,
  });
  server.registerResource(resource.name, template, metadata, (uri, vars) =>
    wrapRead(resource, uri, Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])), ctx),
  );
}
