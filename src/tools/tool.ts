import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type {
  CallToolResult,
  PrimitiveSchemaDefinition,
  ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import { type ZodRawShape, z } from "zod";
import type { Sampler } from "../engine/decompose.js";
import type { EngineContext, Progress } from "../engine/engine.js";
import { ConfigError, UserError } from "../errors.js";
import { StoreError } from "../store/api.js";
import type { Link } from "./render.js";

/** A form field of an elicitation: a flat JSON Schema primitive (MCP allows no nesting). */
export type FormField = PrimitiveSchemaDefinition;

/** Asks the person at the client through a form; `accept` carries the values, anything else changes nothing. */
export type Elicitor = (request: {
  message: string;
  fields: Record<string, FormField>;
  required: string[];
}) => Promise<{ action: "accept" | "decline" | "cancel"; content?: Record<string, unknown> }>;

/** What a tool handler may use besides its arguments. */
export interface ToolContext {
  engine: EngineContext;
  /** The client's model, when the client declared sampling. */
  sampler?: Sampler;
  /** The person at the client, when the client declared elicitation. */
  elicit?: Elicitor;
  /** Progress notifications, when the caller sent a progress token; a no-op otherwise. */
  progress: Progress;
}

/** What the server provides to every call; `sampler` is looked up per call (capabilities arrive at initialize). */
export interface ServerContext {
  engine: EngineContext;
  sampler: () => Sampler | undefined;
  elicit: () => Elicitor | undefined;
  ready?: () => Promise<void>;
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
  /** The essentials as Markdown after the summary (render.ts); without it, the data as JSON. */
  render?(result: z.infer<z.ZodObject<O>>): string;
  /** Files the result points at, sent as `resource_link` items beside the text. */
  links?(result: z.infer<z.ZodObject<O>>): Link[];
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
      let reported: { done: number; total: number } | undefined;
      const sent: Promise<void>[] = [];
      const progress: Progress =
        token === undefined
          ? () => {}
          : (done, total, message) => {
              reported = { done, total };
              sent.push(
                extra
                  .sendNotification({
                    method: "notifications/progress",
                    params: { progressToken: token, progress: done, total, message },
                  })
                  .catch(() => {}),
              );
            };
      try {
        await ctx.ready?.();
        const result = await tool.handle(args as never, {
          engine: ctx.engine,
          sampler: ctx.sampler(),
          elicit: ctx.elicit(),
          progress,
        });
        // Use cases report the step they start; a success finishes the bar whatever step came last.
        if (reported && reported.done < reported.total) progress(reported.total, reported.total, "done");
        // A client stops listening for progress once the result arrives: the notifications go first.
        await Promise.all(sent);
        const body = tool.render?.(result) ?? "";
        return {
          // The summary, then the essentials as Markdown (render.ts): the data itself is in structuredContent.
          content: [
            { type: "text", text: body ? `${tool.summarize(result)}\n\n${body}` : tool.summarize(result) },
            ...(tool.links?.(result) ?? []).map((link) => ({ type: "resource_link" as const, ...link })),
          ],
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
