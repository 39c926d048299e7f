import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { loadRoleLibrary } from "../../src/config/roles.js";
import { loadWorkflowFile } from "../../src/config/workflows.js";
import { resolveModel } from "../../src/engine/agents/model.js";
import { test } from "../helpers/fixtures.js";
import { roleYaml, writeFiles } from "../helpers/temp.js";

let dir: string;

test.beforeEach(({ dir: workspace }) => {
  dir = workspace;
  writeFiles(dir, {
    ".baton/roles/coder.yaml": `${roleYaml("Coder")}model: claude-sonnet-4-5\n`,
    ".baton/roles/reviewer.yaml": roleYaml("Reviewer"),
  });
});

/** A workflow whose one iteration runs a coder and a reviewer, each agent line given whole. */
function load(agents: string, agentRoles = "") {
  const file = path.join(dir, "wf.yaml");
  writeFileSync(
    file,
    `workflow:
  name: model-demo
  description: Models per role
  iterations:
    - name: only
      goal: Do it
      agents:
${agents}
${agentRoles ? `agent_roles:\n${agentRoles}` : ""}`,
  );
  const workflow = loadWorkflowFile(file, dir, loadRoleLibrary(dir));
  const specs = workflow.spec.iterations[0]?.agents ?? [];
  return specs.map((agent) => {
    const role = workflow.roles.get(agent.role);
    if (!role) throw new Error(`no role ${agent.role}`);
    return resolveModel(role, agent);
  });
}

const CODER = "        - { role: coder, deliverables: [code.md] }";
const REVIEWER = "        - { role: reviewer, deliverables: [review.md] }";

describe("model per role", () => {
  test("comes from the role file; a role without one leaves the CLI's default", () => {
    expect(load(`${CODER}\n${REVIEWER}`)).toEqual(["claude-sonnet-4-5", undefined]);
  });

  test("a workflow's agent_roles override replaces the role file's model", () => {
    expect(load(`${CODER}\n${REVIEWER}`, "  coder: { model: opus }\n  reviewer: { model: haiku }\n")).toEqual(
      ["opus", "haiku"],
    );
    expect(loadRoleLibrary(dir).get("coder")?.model).toBe("claude-sonnet-4-5");
  });

  test("an agent's own model wins over its role's", () => {
    const agent = "        - { role: coder, deliverables: [code.md], model: gpt-5-codex }";
    expect(load(agent, "  coder: { model: opus }\n")).toEqual(["gpt-5-codex"]);
  });

  test("resolveModel: agent, then role, then none", () => {
    expect(resolveModel({ model: "a" }, { model: "b" })).toBe("b");
    expect(resolveModel({ model: "a" }, {})).toBe("a");
    expect(resolveModel({}, {})).toBeUndefined();
  });

  test("a model name the shell would split is refused where it is written, with the valid form", () => {
    const agent = "        - { role: coder, deliverables: [code.md], model: 'gpt 5; rm -rf x' }";
    expect(() => load(agent)).toThrow(
      /wf\.yaml:8:58: `workflow\.iterations\.0\.agents\.0\.model`: model names are letters, digits and `\. _ : \/ @ \+ -`/,
    );
  });

  test("a role file's model is checked too", () => {
    writeFiles(dir, { ".baton/roles/coder.yaml": `${roleYaml("Coder")}model: "$(whoami)"\n` });
    // A broken role file fails only what uses the role, with its file:line:col.
    expect(loadRoleLibrary(dir).brokenReason("coder")).toMatch(
      /coder\.yaml:\d+:\d+: `model`: model names are letters, digits/,
    );
  });
});
