import { estimatesPageResource, estimatesResource } from "./estimates.js";
import { iterationFileResources, promptResource } from "./iteration-files.js";
import { learningsResource } from "./learnings.js";
import type { ResourceDefinition } from "./resource.js";
import { roleResource } from "./roles.js";
import { runViewAppResource } from "./run-view-app.js";
import { runResource } from "./runs.js";
import { workflowListResource, workflowResource } from "./workflows.js";

/** Every MCP resource and resource template; the README table is generated from this list. */
export const RESOURCES: readonly ResourceDefinition[] = [
  workflowListResource,
  workflowResource,
  roleResource,
  runResource,
  estimatesResource,
  estimatesPageResource,
  ...iterationFileResources,
  promptResource,
  learningsResource,
  runViewAppResource,
];
