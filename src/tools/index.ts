import { createIterationTool } from "./create-iteration.js";
import { generatePromptsTool } from "./generate-prompts.js";
import { getStatusTool } from "./get-status.js";
import type { ToolDefinition } from "./tool.js";

/** Every MCP tool, in the order hosts list them. The README table is generated from this list. */
export const TOOLS: readonly ToolDefinition[] = [
  createIterationTool,
  generatePromptsTool,
  getStatusTool,
] as unknown as readonly ToolDefinition[];
