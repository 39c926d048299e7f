import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { type CreateMessageRequest, CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { loadRoleLibrary } from "../../src/config/roles.js";
import { loadWorkflow } from "../../src/config/workflows.js";
import type { ServerDeps } from "../../src/server.js";
import type { Store } from "../../src/store/api.js";
import { test } from "../helpers/fixtures.js";
import { git, gitRepo } from "../helpers/git.js";
import { callError, callOk, connectInMemory } from "../helpers/mcp.js";

// decompose_task through an in-memory MCP client: a host-given plan, invalid plans, no plan without
// sampling, and a scripted sampling client whose first answer is rejected and retried.

const TASK = "Implement OAuth2 authentication for the API";

/** The seed's use case 2 as a host would plan it: five roles, deliverables under tasks/oauth2/. */
function oauthPlan(): Record<string, unknown> {
  return {
    name: "oauth2-authentication",
    iterations: [
      {
        name: "design",
        goal: "Design the OAuth2 flows, token model and API changes",
        subtasks: [
          {
            role: "architect",
            description: "Choose the grant types, token lifetimes and the authorization server integration",
            deliverables: ["tasks/oauth2/architecture.md"],
            complexity: 5,
          },
        ],
        completion_criteria: ["The design names every grant type the API supports"],
      },
      {
        name: "implementation",
        goal: "Implement the authorization code flow with PKCE and token validation middleware",
        dependencies: ["design"],
        subtasks: [
          {
            role: "developer",
            description: "Implement the endpoints and the middleware",
            deliverables: ["tasks/oauth2/implementation.md"],
            complexity: 8,
          },
        ],
      },
      {
        name: "verification",
        goal: "Test the flows and document them",
        dependencies: ["implementation"],
        subtasks: [
          {
            role: "qa_lead",
            description: "Write the test plan, including token expiry and revocation",
            deliverables: ["tasks/oauth2/test-plan.md"],
          },
          {
            role: "tech_writer",
            description: "Document the authentication flow for API clients",
            deliverables: ["tasks/oauth2/api-auth-guide.md"],
          },
        ],
      },
      {
        name: "operations",
        goal: "Prepare the rollout: key rotation, monitoring and alerts",
        dependencies: ["implementation"],
        subtasks: [
          {
            role: "sre",
            description: "Write the runbook for key rotation and auth failure alerts",
            deliverables: ["tasks/oauth2/runbook.md"],
          },
        ],
      },
    ],
  };
}

interface Planned {
  status: string;
  run_id?: string;
  workflow?: string;
  iterations: {
    name: string;
    dependencies: string[];
    subtasks: { role: string; deliverables: string[] }[];
  }[];
  ready?: string[];
  mermaid?: string;
  instructions?: string;
  role_catalog?: { role: string }[];
  plan_schema?: Record<string, unknown>;
  next: string;
}

let dir: string;
let deps: ServerDeps;
let store: Store;
const closers: (() => Promise<void>)[] = [];

test.beforeEach(({ dir: workspace, baton }) => {
  dir = workspace;
  ({ deps, store } = baton);
});
test.afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe("decompose_task with a plan", () => {
  test("stores the OAuth2 plan as a run with its own workflow file when asked to keep it", async ({
    mcp: client,
  }) => {
    const result = await callOk<Planned>(client, "decompose_task", {
      task: TASK,
      plan: oauthPlan(),
      keep: true,
    });
    expect(result.status).toBe("planned");
    expect(result.workflow).toBe("plan-oauth2-authentication");
    expect(result.run_id).toBe("plan-oauth2-authentication-1");
    expect(result.ready).toEqual(["design"]);
    expect(result.iterations.map((it) => [it.name, it.dependencies])).toEqual([
      ["design", []],
      ["implementation", ["design"]],
      ["verification", ["implementation"]],
      ["operations", ["implementation"]],
    ]);
    expect(result.iterations.flatMap((it) => it.subtasks.map((s) => s.role)).sort()).toEqual(
      ["architect", "developer", "qa_lead", "sre", "tech_writer"].sort(),
    );
    const mermaid = result.mermaid as string;
    expect(mermaid.split("\n")[0]).toBe("graph TD");
    for (const edge of [
      "design --> implementation",
      "implementation --> verification",
      "implementation --> operations",
    ])
      expect(mermaid).toContain(edge);
    expect(mermaid).not.toContain("design --> verification");
    expect(mermaid).toContain('verification["verification<br/>qa_lead, tech_writer"]');

    // The run is in the store, and the workflow file loads like any other.
    expect(store.getRun(result.run_id as string)).toMatchObject({ workflow: "plan-oauth2-authentication" });
    expect(store.listEvents().map((e) => e.kind)).toContain("task_decomposed");
    const file = path.join(dir, ".baton", "workflows", "plan-oauth2-authentication.yaml");
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, "utf8")).toContain(TASK);
    const workflow = loadWorkflow("plan-oauth2-authentication", dir, loadRoleLibrary(dir));
    expect(workflow.spec.iterations.map((it) => it.name)).toEqual([
      "design",
      "implementation",
      "verification",
      "operations",
    ]);
    expect(workflow.spec.iterations[2]?.agents.map((a) => [a.role, a.deliverables])).toEqual([
      ["qa_lead", ["tasks/oauth2/test-plan.md"]],
      ["tech_writer", ["tasks/oauth2/api-auth-guide.md"]],
    ]);

    // The run continues like a workflow run: the ready iteration materializes; the others wait.
    const created = await callOk<{ iteration: string }>(client, "create_iteration", {
      run_id: result.run_id,
    });
    expect(created.iteration).toBe("design");
    const gated = await callError(client, "create_iteration", {
      run_id: result.run_id,
      iteration: "implementation",
    });
    expect(gated).toContain("`design` (materialized)");
  });

  test("leaves no workflow file unless asked, and names plans apart from workflows and run ids (#19)", async ({
    mcp: client,
  }) => {
    const plan = { ...oauthPlan(), name: "user-story-refinement" };
    const first = await callOk<Planned>(client, "decompose_task", { task: TASK, plan });
    expect(first.workflow).toBe("plan-user-story-refinement");
    expect(first.run_id).toBe("plan-user-story-refinement-1");
    expect(existsSync(path.join(dir, ".baton", "workflows"))).toBe(false);
    // The run lives on its snapshot: it continues without a file.
    const created = await callOk<{ iteration: string }>(client, "create_iteration", { run_id: first.run_id });
    expect(created.iteration).toBe("design");
    // A second plan of the same name is a second run, not a workflow named like a run id.
    const second = await callOk<Planned>(client, "decompose_task", { task: TASK, plan });
    expect(second.run_id).toBe("plan-user-story-refinement-2");
    // A name ending in a number would read like a run id of another plan.
    const numbered = await callOk<Planned>(client, "decompose_task", {
      task: TASK,
      plan: { ...plan, name: "fix-bug-42" },
    });
    expect(numbered.workflow).toBe("plan-fix-bug-v42");
    // Kept twice: the second file gets a letter, never a number.
    await callOk(client, "decompose_task", { task: TASK, plan, keep: true });
    const again = await callOk<Planned>(client, "decompose_task", { task: TASK, plan, keep: true });
    expect(again.workflow).toBe("plan-user-story-refinement-b");
  });

  test("gives a plan iteration with isolation: worktree a git worktree per subtask, and says so to sampling", async ({
    mcp: client,
  }) => {
    const plan = oauthPlan();
    const iterations = plan.iterations as Record<string, unknown>[];
    iterations[0] = { ...iterations[0], isolation: "worktree" };
    const planned = await callOk<Planned>(client, "decompose_task", { task: TASK, plan });
    // Not a git repository yet: the isolated iteration is refused with what to do.
    const refused = await callError(client, "create_iteration", { run_id: planned.run_id });
    expect(refused).toContain(
      "`isolation: worktree` needs the workspace to be the top folder of a git repository",
    );

    writeFileSync(path.join(dir, ".gitignore"), ".baton/\niterations/\n");
    gitRepo(dir);
    const created = await callOk<{ iteration_id: string }>(client, "create_iteration", {
      run_id: planned.run_id,
    });
    const generated = await callOk<{ assignments: { workdir?: string }[] }>(client, "generate_prompts", {
      iteration_id: created.iteration_id,
    });
    expect(generated.assignments.map((a) => a.workdir)).toEqual([
      `.baton/worktrees/${planned.run_id}/i01/architect-01`,
    ]);
    expect(git(dir, "branch", "--list", "--format=%(refname:short)", "baton/*").trim()).toBe(
      `baton/${planned.run_id}/i01/architect-01`,
    );

    const needsPlan = await callOk<{ instructions: string }>(client, "decompose_task", { task: TASK });
    expect(needsPlan.instructions).toContain('isolation: "worktree"');
  });

  test("bounds a subtask's complexity to 1-13 points, as the instructions say", async ({ mcp: client }) => {
    const plan = oauthPlan();
    const iterations = plan.iterations as { subtasks: { complexity?: number }[] }[];
    (iterations[0]?.subtasks[0] as { complexity?: number }).complexity = 14;
    const text = await callError(client, "decompose_task", { task: TASK, plan });
    expect(text).toContain("iterations.0.subtasks.0.complexity");
    const needsPlan = await callOk<{ instructions: string }>(client, "decompose_task", { task: TASK });
    expect(needsPlan.instructions).toContain("complexity (1-13 points)");
  });

  test("rejects an unknown role and lists the known roles", async ({ mcp: client }) => {
    const plan = oauthPlan();
    const iterations = plan.iterations as { subtasks: { role: string }[] }[];
    (iterations[3]?.subtasks[0] as { role: string }).role = "site_wizard";
    const text = await callError(client, "decompose_task", { task: TASK, plan });
    expect(text).toContain("invalid plan");
    expect(text).toContain("unknown role `site_wizard` in iteration `operations`; known roles: ");
    for (const role of ["architect", "developer", "qa_lead", "sre", "tech_writer"])
      expect(text).toContain(`\`${role}\``);
    expect(store.listRuns()).toEqual([]);
    expect(existsSync(path.join(dir, ".baton", "workflows", "plan-oauth2-authentication.yaml"))).toBe(false);
  });

  test("rejects a dependency cycle", async ({ mcp: client }) => {
    const plan = oauthPlan();
    const iterations = plan.iterations as { name: string; dependencies?: string[] }[];
    (iterations[0] as { dependencies?: string[] }).dependencies = ["verification"];
    const text = await callError(client, "decompose_task", { task: TASK, plan });
    expect(text).toContain("invalid plan");
    expect(text).toContain("dependency cycle: design → verification → implementation → design");
    expect(store.listRuns()).toEqual([]);
  });

  test("rejects a deliverable path that leaves the workspace", async ({ mcp: client }) => {
    const plan = oauthPlan();
    const iterations = plan.iterations as { subtasks: { deliverables: string[] }[] }[];
    (iterations[1]?.subtasks[0] as { deliverables: string[] }).deliverables = ["../outside/secrets.md"];
    const text = await callError(client, "decompose_task", { task: TASK, plan });
    expect(text).toContain("invalid plan");
    expect(text).toContain(
      "deliverable pattern `../outside/secrets.md` contains `..` and could leave the workspace",
    );
    expect(store.listRuns()).toEqual([]);
  });

  test("rejects duplicate iteration names", async ({ mcp: client }) => {
    const plan = oauthPlan();
    const iterations = plan.iterations as { name: string }[];
    (iterations[3] as { name: string }).name = "verification";
    const text = await callError(client, "decompose_task", { task: TASK, plan });
    expect(text).toContain("invalid plan");
    expect(text).toContain("duplicate iteration name `verification`; iteration names must be unique");
    expect(store.listRuns()).toEqual([]);
  });
});

describe("decompose_task without a plan", () => {
  test("returns needs_plan with instructions, the role catalog and the plan schema when the client cannot sample", async ({
    mcp: client,
  }) => {
    const result = await callOk<Planned>(client, "decompose_task", { task: TASK });
    expect(result.status).toBe("needs_plan");
    expect(result.run_id).toBeUndefined();
    expect(result.iterations).toEqual([]);
    expect(result.instructions).toContain(TASK);
    expect(result.role_catalog?.map((r) => r.role)).toEqual(
      expect.arrayContaining(["architect", "developer", "qa_lead", "sre", "tech_writer"]),
    );
    const schema = result.plan_schema as {
      type?: string;
      properties?: Record<string, unknown>;
      required?: string[];
    };
    expect(schema.type).toBe("object");
    expect(Object.keys(schema.properties ?? {})).toContain("iterations");
    expect(schema.required).toContain("iterations");
    expect(result.next).toContain("plan");
    expect(store.listRuns()).toEqual([]);
  });

  /** A client that declares sampling and answers each createMessage with the next scripted text. */
  async function samplingClient(
    answers: string[],
  ): Promise<{ client: Client; requests: CreateMessageRequest[] }> {
    const requests: CreateMessageRequest[] = [];
    const { client, close } = await connectInMemory(deps, {
      client: { capabilities: { sampling: {} } },
      setup: (c) =>
        c.setRequestHandler(CreateMessageRequestSchema, (request) => {
          requests.push(request);
          const text = answers[requests.length - 1] ?? "{}";
          return { model: "scripted", role: "assistant", content: { type: "text", text } };
        }),
    });
    closers.push(close);
    return { client, requests };
  }

  const promptOf = (request: CreateMessageRequest | undefined): string => {
    const content = request?.params.messages[0]?.content;
    return content && !Array.isArray(content) && content.type === "text" ? content.text : "";
  };

  test("asks the client's model, retries once with the validation error, then stores the plan", async () => {
    const invalid = oauthPlan();
    const subtasks = (invalid.iterations as { subtasks: { role: string }[] }[])[0]?.subtasks;
    (subtasks?.[0] as { role: string }).role = "chief_architect";
    const { client, requests } = await samplingClient([
      `Here is the plan:\n\`\`\`json\n${JSON.stringify(invalid)}\n\`\`\``,
      JSON.stringify(oauthPlan()),
    ]);
    const result = await callOk<Planned>(client, "decompose_task", { task: TASK });
    expect(result.status).toBe("planned");
    expect(result.run_id).toBe("plan-oauth2-authentication-1");
    expect(result.ready).toEqual(["design"]);
    expect(requests).toHaveLength(2);
    expect(promptOf(requests[0])).toContain(TASK);
    expect(requests[0]?.params.systemPrompt).toContain("qa_lead");
    expect(promptOf(requests[0])).not.toContain("rejected");
    expect(promptOf(requests[1])).toContain("Your previous answer was rejected");
    expect(promptOf(requests[1])).toContain("unknown role `chief_architect`");
    const event = store.listEvents().find((e) => e.kind === "task_decomposed");
    expect(event?.data).toMatchObject({ source: "sampling", attempts: 2 });
  });

  test("falls back to needs_plan after two invalid answers, naming the last problem, storing nothing", async () => {
    const { client, requests } = await samplingClient(["I cannot help with that.", '{"iterations": []}']);
    const result = await callOk<Planned>(client, "decompose_task", { task: TASK });
    expect(requests).toHaveLength(2);
    expect(promptOf(requests[1])).toContain("the answer is not JSON");
    expect(result.status).toBe("needs_plan");
    expect(result.next).toContain("did not produce a valid plan in 2 attempts");
    expect(result.next).toContain("iterations");
    expect(result.instructions).toContain(TASK);
    expect(Object.keys((result.plan_schema as { properties?: object }).properties ?? {})).toContain(
      "iterations",
    );
    expect(store.listRuns()).toEqual([]);
  });
});
