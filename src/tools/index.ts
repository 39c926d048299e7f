import { claimAssignmentTool } from "./claim-assignment.js";
import { createIterationTool } from "./create-iteration.js";
import { decomposeTaskTool } from "./decompose-task.js";
import { generatePromptsTool } from "./generate-prompts.js";
import { getStatusTool } from "./get-status.js";
import { recordFeedbackTool } from "./record-feedback.js";
import { reviewIterationTool } from "./review-iteration.js";
import { submitAssignmentTool } from "./submit-assignment.js";
import type { ToolDefinition } from "./tool.js";
import { validateIterationTool } from "./validate-iteration.js";

/** Every MCP tool, in the order hosts list them. The README table is generated from this list. */
export const TOOLS: readonly ToolDefinition[] = [
  decomposeTaskTool,
  createIterationTool,
  generatePromptsTool,
  validateIterationTool,
  reviewIterationTool,
  recordFeedbackTool,
  getStatusTool,
  claimAssignmentTool,
  submitAssignmentTool,
] as unknown as readonly ToolDefinition[];
