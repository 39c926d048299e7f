import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import {
  ErrorCode,
  ListResourcesRequestSchema,
  McpError,
  type ReadResourceResult,
} from "@modelcontextprotocol/sdk/types.js";
import type { EngineContext } from "../engine/engine.js";
import { ConfigError, UserError } from "../errors.js";
import { completer, idKindOf } from "./complete.js";

export interface ResourceContext {
  engine: EngineContext;
  /** Resolves when the workspace is known (see CreateServerOptions.ready). */
  ready?: () => Promise<void>;
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
  /** Async when it loads its engine module on first read (start-up stays small). */
  read(vars: Record<string, string>, ctx: ResourceContext): string | Promise<string>;
}

export function defineResource(resource: ResourceDefinition): ResourceDefinition {
  return resource;
}

/** Unknown names and similar caller mistakes answer with -32602 and the valid choices. */
async function wrapRead(
  resource: ResourceDefinition,
  uri: URL,
  vars: Record<string, string>,
  ctx: ResourceContext,
): Promise<ReadResourceResult> {
  try {
    const text = await resource.read(vars, ctx);
    return { contents: [{ uri: uri.href, mimeType: resource.mimeType, text }] };
  } catch (error) {
    if (error instanceof UserError || error instanceof ConfigError) {
      throw new McpError(ErrorCode.InvalidParams, `${uri.href}: ${error.message}`);
    }
    throw error;
  }
}

/** Entries of one resources/list page; the cursor of the next page is the offset where it starts. */
export const RESOURCE_PAGE_SIZE = 100;

/**
 * Answers resources/list in pages: a workspace with many runs has thousands of prompts, and one
 * page of them all floods a host. Replaces the SDK's single-page handler (registered with the
 * first resource); the entries are the same: fixed resources, then each template's list.
 */
export function registerResourceList(
  server: McpServer,
  resources: readonly ResourceDefinition[],
  ctx: ResourceContext,
): void {
  server.server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    await ctx.ready?.();
    const cursor = request.params?.cursor;
    const start = cursor === undefined ? 0 : Number(Buffer.from(cursor, "base64url").toString());
    if (!Number.isInteger(start) || start < 0) {
      throw new McpError(ErrorCode.InvalidParams, "invalid cursor: pass the nextCursor of the previous page");
    }
    const all = resources.flatMap((r) =>
      r.uri.includes("{")
        ? listed(r, ctx).map((entry) => ({ ...entry, mimeType: r.mimeType }))
        : [{ uri: r.uri, name: r.name, title: r.title, description: r.description, mimeType: r.mimeType }],
    );
    const end = start + RESOURCE_PAGE_SIZE;
    return {
      resources: all.slice(start, end),
      ...(end < all.length ? { nextCursor: Buffer.from(String(end)).toString("base64url") } : {}),
    };
  });
}

/** A template's entries; none while there is no workspace (a read says why; a list stays quiet). */
function listed(resource: ResourceDefinition, ctx: ResourceContext): ResourceEntry[] {
  try {
    return resource.list?.(ctx) ?? [];
  } catch (error) {
    if (error instanceof UserError) return [];
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
    server.registerResource(resource.name, resource.uri, metadata, async (uri) => {
      await ctx.ready?.();
      return wrapRead(resource, uri, {}, ctx);
    });
    return;
  }
  const list = resource.list;
  const complete: Record<string, ReturnType<typeof completer>> = {};
  for (const [, variable] of resource.uri.matchAll(/\{(\w+)\}/g)) {
    const kind = idKindOf(resource.name, variable as string);
    if (kind) complete[variable as string] = completer(ctx.engine, kind);
  }
  const template = new ResourceTemplate(resource.uri, {
    list: list
      ? () => ({ resources: list(ctx).map((entry) => ({ ...entry, mimeType: resource.mimeType })) })
      : undefined,
    complete,
  });
  server.registerResource(resource.name, template, metadata, async (uri, vars) => {
    await ctx.ready?.();
    return wrapRead(
      resource,
      uri,
      Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)])),
      ctx,
    );
  });
}
