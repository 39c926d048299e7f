import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { SHIPPED_ROLES_DIR } from "../../src/config/package-paths.js";
import { DEFAULT_TOKENS_PER_POINT, loadRoleLibrary, mergeRole, type Role } from "../../src/config/roles.js";
import { loadWorkflowFile } from "../../src/config/workflows.js";
import { ConfigError } from "../../src/errors.js";
import { test } from "../helpers/fixtures.js";
import { writeFiles } from "../helpers/temp.js";

let dir: string;

test.beforeEach(({ dir: workspace }) => {
  dir = workspace;
  writeFiles(dir, {
    ".baton/roles/coder.yaml": `name: Coder
perspective: Senior engineer
responsibilities: [Write code, Write tests]
capabilities: [TypeScript, SQL]
constraints:
  token_budget: 20000
  complexity_threshold: 4
  dependencies: [reviewer]
  tokens_per_point: 700
output_format: [A diff, A summary]
guidelines: [Small commits]
`,
    ".baton/roles/reviewer.yaml": `name: Reviewer
perspective: Picky reviewer
responsibilities: [Review]
capabilities: [Reading]
constraints: { token_budget: 10000, complexity_threshold: 2 }
output_format: [Comments]
`,
  });
});

/** A one-iteration workflow whose agent is `role`, with the given `agent_roles` YAML block appended. */
function workflowWith(agentRoles: string, role = "coder"): Map<string, Role> {
  const file = path.join(dir, "wf.yaml");
  writeFileSync(
    file,
    `workflow:
  name: merge-demo
  description: Merging roles
  iterations:
    - name: only
      goal: Do it
      agents:
        - role: ${role}
          deliverables: [out.md]
agent_roles:
${agentRoles}`,
  );
  return loadWorkflowFile(file, dir, loadRoleLibrary(dir)).roles;
}

describe("agent_roles override library roles key by key", () => {
  test("a scalar replaces the library's value and leaves the other keys alone", () => {
    const coder = workflowWith("  coder:\n    perspective: Pragmatic engineer\n").get("coder");
    expect(coder?.perspective).toBe("Pragmatic engineer");
    expect(coder?.name).toBe("Coder");
    expect(coder?.responsibilities).toEqual(["Write code", "Write tests"]);
    expect(coder?.constraints).toEqual({
      token_budget: 20000,
      complexity_threshold: 4,
      dependencies: ["reviewer"],
      tokens_per_point: 700,
    });
  });

  test("a list replaces the library's list instead of appending to it", () => {
    const coder = workflowWith(
      "  coder:\n    responsibilities: [Only this]\n    output_format: [JSON]\n",
    ).get("coder");
    expect(coder?.responsibilities).toEqual(["Only this"]);
    expect(coder?.output_format).toEqual(["JSON"]);
    expect(coder?.capabilities).toEqual(["TypeScript", "SQL"]);
    expect(coder?.guidelines).toEqual(["Small commits"]);
  });

  test("constraints merge per constraint", () => {
    const coder = workflowWith("  coder:\n    constraints: { complexity_threshold: 9 }\n").get("coder");
    expect(coder?.constraints).toEqual({
      token_budget: 20000,
      complexity_threshold: 9,
      dependencies: ["reviewer"],
      tokens_per_point: 700,
    });
  });

  test("accepts the seed's flat spelling of constraints", () => {
    const coder = workflowWith("  coder:\n    token_budget: 45000\n    dependencies: []\n").get("coder");
    expect(coder?.constraints).toEqual({
      token_budget: 45000,
      complexity_threshold: 4,
      dependencies: [],
      tokens_per_point: 700,
    });
  });

  test("an override changes the role only for that workflow", () => {
    workflowWith("  coder:\n    token_budget: 45000\n");
    expect(loadRoleLibrary(dir).get("coder")?.constraints.token_budget).toBe(20000);
  });

  test("a workflow may define a new role whole; missing defaults are filled", () => {
    const roles = workflowWith(
      "  api_designer:\n    perspective: API designer\n    responsibilities: [Design endpoints]\n    token_budget: 8000\n    complexity_threshold: 3\n",
      "api_designer",
    );
    const role = roles.get("api_designer");
    expect(role).toMatchObject({
      name: "API Designer",
      perspective: "API designer",
      responsibilities: ["Design endpoints"],
      capabilities: [],
      constraints: {
        token_budget: 8000,
        complexity_threshold: 3,
        dependencies: [],
        tokens_per_point: DEFAULT_TOKENS_PER_POINT,
      },
    });
    expect(role?.source).toMatch(/wf\.yaml:agent_roles$/);
  });

  test("a new role that is not defined whole is an error naming the missing keys and the library", () => {
    let error: unknown;
    try {
      workflowWith("  api_designer:\n    perspective: API designer\n", "api_designer");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const [line] = (error as ConfigError).message.split("\n");
    // The key `api_designer` is on line 11 at col 3.
    expect(line).toMatch(
      /^wf\.yaml:11:3: role `api_designer` is not in the role library, so agent_roles must define it whole; missing: responsibilities, token_budget, complexity_threshold \(library roles: .*`coder`/,
    );
  });

  test("an override's unknown dependency names the known roles", () => {
    expect(() => workflowWith("  coder:\n    dependencies: [nobody]\n")).toThrow(
      /wf\.yaml:12:20: unknown role `nobody` in the dependencies of role `coder`; known roles: .*`reviewer`/,
    );
  });

  test("mergeRole records where each part came from", () => {
    const base = loadRoleLibrary(dir).get("coder") as Role;
    const merged = mergeRole("coder", base, { name: "Coder 2" }, "x.yaml:agent_roles");
    expect("missing" in merged).toBe(false);
    expect((merged as Role).source).toBe(`${base.source} + x.yaml:agent_roles`);
    expect((merged as Role).name).toBe("Coder 2");
  });
});

describe("workspace role files", () => {
  test("a .baton/roles file replaces the shipped role of the same key whole", () => {
    const shipped = loadRoleLibrary().get("developer");
    expect(shipped).toBeDefined();
    writeFiles(dir, {
      ".baton/roles/developer.yaml": `name: House Developer
perspective: Our own developer
responsibilities: [Follow the house style]
capabilities: [Our stack]
constraints: { token_budget: 12345, complexity_threshold: 1 }
output_format: [Patch]
`,
    });
    const developer = loadRoleLibrary(dir).get("developer");
    expect(developer).toMatchObject({
      name: "House Developer",
      perspective: "Our own developer",
      responsibilities: ["Follow the house style"],
      guidelines: [],
      constraints: { token_budget: 12345, complexity_threshold: 1, dependencies: [], tokens_per_point: 500 },
      source: path.join(dir, ".baton", "roles", "developer.yaml"),
    });
    // Other shipped roles stay, and the shipped file is untouched.
    expect(loadRoleLibrary(dir).get("qa_lead")?.source).toBe(path.join(SHIPPED_ROLES_DIR, "qa_lead.yaml"));
    expect(readFileSync(path.join(SHIPPED_ROLES_DIR, "developer.yaml"), "utf8")).toContain(shipped?.name);
  });

  test("a workflow's agent_roles apply on top of the workspace role", () => {
    writeFiles(dir, {
      ".baton/roles/developer.yaml": `name: House Developer
perspective: Our own developer
responsibilities: [Follow the house style]
capabilities: [Our stack]
constraints: { token_budget: 12345, complexity_threshold: 1 }
output_format: [Patch]
`,
    });
    const developer = workflowWith("  developer:\n    complexity_threshold: 6\n", "developer").get(
      "developer",
    );
    expect(developer?.perspective).toBe("Our own developer");
    expect(developer?.constraints.token_budget).toBe(12345);
    expect(developer?.constraints.complexity_threshold).toBe(6);
  });
});
