import type { Role } from "../../config/roles.js";
import type { AgentSpec } from "../../config/schema.js";

/**
 * The model an assignment's agent runs on: the workflow agent's `model`, else its role's (a role file
 * or the workflow's `agent_roles` override, already merged into the role), else none — the agent CLI
 * then uses its own default. It reaches the launcher as `{model}` and BATON_MODEL.
 */
export function resolveModel(role: Pick<Role, "model">, agent: Pick<AgentSpec, "model">): string | undefined {
  return agent.model ?? role.model;
}
