import { completable } from "@modelcontextprotocol/sdk/server/completable.js";
import type { McpServer, RegisteredPrompt } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Role } from "../config/roles.js";
import type { EngineContext } from "../engine/engine.js";
import { roleFormatFor } from "../engine/prompt-parts.js";
import { listRoles, listWorkflows } from "../engine/queries.js";
import { TEMPLATE_NAMES } from "../engine/render.js";
import { UserError } from "../errors.js";
import { idsOf, matching } from "../resources/complete.js";

export interface PromptContext {
  engine: EngineContext;
}

/** Arguments of every role prompt (docs/design.md §7). */
const roleArgs = {
  task: z.string().describe("what the agent must do"),
  targets: z.string().optional().describe("files or items to work on, comma- or newline-separated"),
  context: z.string().optional().describe("background the agent needs: constraints, links, decisions"),
};

/** The master_orchestrator prompt, rendered from templates/master-orchestrator.md.hbs. */
export function renderMasterPrompt(
  engine: EngineContext,
  args: { task?: string; workflow?: string },
): string {
  return engine.catalog.templates().render(TEMPLATE_NAMES.master, {
    ...args,
    workflows: listWorkflows(engine).map((w) => w.name),
    roles: listRoles(engine),
  });
}

/** A role prompt outside any run, rendered from the same template as generated agent prompts. */
export function renderRolePrompt(
  engine: EngineContext,
  role: Role,
  args: { task: string; targets?: string; context?: string },
): string {
  const templates = engine.catalog.templates();
  const targets = (args.targets ?? "")
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter(Boolean);
  return templates.renderFile(templates.roleTemplateFile(role.key), {
    workflow: { name: "ad hoc", description: "" },
    run: { id: "ad hoc", inputs: {}, inputs_list: [] },
    iteration: { id: "", name: "ad hoc", seq: 0, goal: args.task, path: "", upstream: [] },
    context: { references: [], conventions: [], domain: args.context ? [args.context] : [], non_goals: [] },
    files: { context: "", criteria: "", readme: "" },
    learnings: [],
    role,
    // Outside a run there are no deliverables: the targets are the files the agent may change.
    assignment: {
      id: "",
      local_id: role.key.replaceAll("_", "-"),
      task: args.task,
      targets: [],
      change_targets: targets,
      deliverables: [],
    },
    upstream: [],
    budget: { token_budget: role.constraints.token_budget },
    formats: targets
      .map((file) => ({ file, lines: roleFormatFor(role.output_format, file) }))
      .filter((f) => f.lines.length > 0),
    placeholders: [],
    criteria: { human: [], checks: [] },
  });
}

/**
 * The orchestrator prompt, then one prompt per role of the workspace. Returns the function that
 * re-registers the role prompts: a workspace that arrives later (the client's roots) brings its roles.
 */
export function registerPrompts(server: McpServer, { engine }: PromptContext): () => void {
  server.registerPrompt(
    "master_orchestrator",
    {
      title: "Master Orchestrator",
      description:
        "Play the Master Orchestrator: Assess → Decide → Delegate → Monitor → Validate → Learn with Baton's tools.",
      argsSchema: {
        task: z.string().optional().describe("the work to orchestrate"),
        workflow: completable(z.string().optional().describe("a workflow to use, if one fits"), (typed) =>
          matching(idsOf(engine, "workflow"), typed ?? ""),
        ),
      },
    },
    (args) => ({
      messages: [{ role: "user", content: { type: "text", text: renderMasterPrompt(engine, args) } }],
    }),
  );
  let roles: RegisteredPrompt[] = [];
  const refreshRoles = () => {
    // Removing and adding a prompt tells a connected client that the list changed.
    for (const prompt of roles) prompt.remove();
    roles = rolesIfAny(engine).map((role) =>
      server.registerPrompt(
        role.key,
        {
          title: role.name,
          description: `Work as the ${role.name} (${role.perspective}).`,
          argsSchema: roleArgs,
        },
        (args) => ({
          messages: [{ role: "user", content: { type: "text", text: renderRolePrompt(engine, role, args) } }],
        }),
      ),
    );
  };
  refreshRoles();
  return refreshRoles;
}

/** The roles to offer as prompts; none while the workspace is still unknown (it comes with the client's roots). */
function rolesIfAny(engine: EngineContext): Role[] {
  try {
    return listRoles(engine);
  } catch (error) {
    if (error instanceof UserError) return [];
    throw error;
  }
}
