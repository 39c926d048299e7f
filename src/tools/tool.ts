import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { type ZodRawShape, z } from "zod";
import type { Sampler } from "../engine/decompose.js";
import type { EngineContext, Progress } from "../engine/engine.js";
import { ConfigError, UserError } from "../errors.js";
import { StoreError } from "../store/api.js";

/** What a tool handler may use besides its arguments. */
export interface ToolContext {
  engine: EngineContext;
  /** The client's model, when the client declared sampling. */
  sampler?: Sampler;
  /** Progress notifications, when the caller sent a progress token; a no-op otherwise. */
  progress: Progress;
}

/** What the server provides to every call; `sampler` is looked up per call (capabilities arrive at initialize). */
export interface ServerContext {
  engine: EngineContext;
  sampler: () => Sampler | undefined;
}

/** How a tool touches state; the MCP annotations follow from it. */
export type ToolKind = "read" | "write" | "idempotent-write";

/** One MCP tool, declared once: the README table and the schema snapshot are generated from this. */
export interface ToolDefinition<I extends ZodRawShape = ZodRawShape, O extends ZodRawShape = ZodRawShape> {
  name: string;
  title: string;
  description: string;
  kind: ToolKind;
  input: I;
  output: O;
  handle(args: z.infer<z.ZodObject<I>>, ctx: ToolContext): Promise<z.infer<z.ZodObject<O>>>;
  /** One line for the text content, so hosts that ignore structuredContent still see the gist. */
  summarize(result: z.infer<z.ZodObject<O>>): string;
  /** Tool `_meta`, e.g. the MCP App that shows its result (src/dashboard/mcp-app.ts). */
  meta?: Record<string, unknown>;
}

export function defineTool<I extends ZodRawShape, O extends ZodRawShape>(
  tool: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return tool;
}

/**
 * Hints that differ from the MCP defaults (readOnly false, destructive true, idempotent false,
 * openWorld true); defaults are left out to keep tools/list small. Baton never deletes work and
 * touches only the workspace.
 */
export function annotationsFor(tool: ToolDefinition): ToolAnnotations {
  if (tool.kind === "read") return { readOnlyHint: true, openWorldHint: false };
  return {
    destructiveHint: false,
    ...(tool.kind === "idempotent-write" ? { idempotentHint: true } : {}),
    openWorldHint: false,
  };
}

/** Errors a caller can fix become `isError` results that say what was wrong; anything else is a bug. */
function isCallerError(error: unknown): error is Error {
  return error instanceof UserError || error instanceof ConfigError || error instanceof StoreError;
}

export function registerTool(server: McpServer, tool: ToolDefinition, ctx: ServerContext): void {
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: tool.input,
      outputSchema: tool.output,
      annotations: annotationsFor(tool),
      ...(tool.meta ? { _meta: tool.meta } : {}),
    },
    async (args: Record<string, unknown>, extra): Promise<CallToolResult> => {
      const token = extra._meta?.progressToken;
      const progress: Progress =
        token === undefined
          ? () => {}
          : (done, total, message) =>
              void extra
                .sendNotification({
                  method: "notifications/progress",
                  params: { progressToken: token, progress: done, total, message },
                })
                .catch(() => {});
      try {
        const result = await tool.handle(args as never, {
          engine: ctx.engine,
          sampler: ctx.sampler(),
          progress,
        });
        return {
          // The summary only: the data is in structuredContent, and sending it twice doubled every result.
          content: [{ type: "text", text: tool.summarize(result) }],
          structuredContent: result,
        };
      } catch (error) {
        if (!isCallerError(error)) throw error;
        return { isError: true, content: [{ type: "text", text: `${tool.name}: ${error.message}` }] };
      }
    },
  );
}

/**
 * A list of objects whose fields the tool description names. Nested object schemas cost the host
 * tokens on every tools/list (docs/design.md §9: the list stays under 3,000), so they stay loose.
 */
export const objectList = z.array(z.unknown());
