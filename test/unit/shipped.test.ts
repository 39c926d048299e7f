import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SHIPPED_ROLES_DIR, SHIPPED_WORKFLOWS_DIR } from "../../src/config/package-paths.js";
import { loadRoleLibrary } from "../../src/config/roles.js";
import { roleFileSchema } from "../../src/config/schema.js";
import { type LoadedWorkflow, listWorkflows, loadWorkflowFile } from "../../src/config/workflows.js";
import { loadYaml, validateWith } from "../../src/config/yaml.js";
import { splitCriteria } from "../../src/engine/criteria.js";
import { REPO_ROOT } from "../helpers/temp.js";

const REQUIRED_ROLES = [
  "tech_lead",
  "qa_lead",
  "sre",
  "tech_writer",
  "architect",
  "data_architect",
  "developer",
  "product_analyst",
  "security_analyst",
  "data_scientist",
  "frontend_developer",
  "performance_engineer",
  "devops",
];
const REQUIRED_WORKFLOWS = [
  "user-story-refinement",
  "task-execution",
  "code-review",
  "incident-response",
  "documentation",
];

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
const roleFiles = yamlFiles(path.join(REPO_ROOT, "roles"));
const workflowFiles = (() => {
  try {
    return yamlFiles(path.join(REPO_ROOT, "workflows"));
  } catch {
    return [];
  }
})();

/** Loads a shipped workflow file the way `baton check` does (library from the package, no workspace). */
function loadShipped(file: string): LoadedWorkflow {
  return loadWorkflowFile(path.join(SHIPPED_WORKFLOWS_DIR, file), undefined, loadRoleLibrary());
}

describe("shipped roles", () => {
  it("the package paths point at the repository's data folders", () => {
    expect(path.resolve(SHIPPED_ROLES_DIR)).toBe(path.join(REPO_ROOT, "roles"));
    expect(path.resolve(SHIPPED_WORKFLOWS_DIR)).toBe(path.join(REPO_ROOT, "workflows"));
  });

  it.each(roleFiles)("%s passes the role schema and the documented shape", (file) => {
    const role = validateWith(loadYaml(path.join(SHIPPED_ROLES_DIR, file)), roleFileSchema);
    expect(file).toMatch(/^[a-z][a-z0-9_]*\.yaml$/);
    // docs/formats.md: concrete responsibilities, capabilities and output format, 3-8 items each.
    for (const list of [role.responsibilities, role.capabilities, role.output_format]) {
      expect(list.length).toBeGreaterThanOrEqual(3);
      expect(list.length).toBeLessThanOrEqual(8);
    }
    expect(role.constraints.token_budget).toBeGreaterThanOrEqual(1000);
    expect(role.constraints.complexity_threshold).toBeGreaterThanOrEqual(1);
  });

  it("the library loads whole and holds at least the 13 named roles", () => {
    const library = loadRoleLibrary();
    const keys = [...library.keys()];
    expect(keys).toEqual(expect.arrayContaining(REQUIRED_ROLES));
    expect(keys).toHaveLength(roleFiles.length);
    for (const role of library.values()) {
      // Role dependencies must name roles of the library.
      for (const dep of role.constraints.dependencies) expect(keys).toContain(dep);
    }
  });
});

describe("shipped workflows", () => {
  it("holds at least the 5 named workflows", () => {
    const names = listWorkflows().map((w) => w.name);
    expect(names).toEqual(expect.arrayContaining(REQUIRED_WORKFLOWS));
    expect(listWorkflows().every((w) => w.origin === "shipped" && w.description.length > 0)).toBe(true);
  });

  it.each(workflowFiles)("%s loads without error and is named after its file", (file) => {
    const workflow = loadShipped(file);
    expect(workflow.name).toBe(file.replace(/\.ya?ml$/, ""));
    for (const iteration of workflow.spec.iterations) {
      // docs/design.md §6 / issue 3: human criteria and machine checks side by side, in every iteration.
      const { human, checks } = splitCriteria(iteration.completion_criteria);
      expect(human.length, `${file}: ${iteration.name} has no human criteria`).toBeGreaterThan(0);
      expect(checks.length, `${file}: ${iteration.name} has no machine checks`).toBeGreaterThan(0);
    }
  });

  it("user-story-refinement chains its five iterations over the stories", () => {
    const workflow = loadShipped("user-story-refinement.yaml");
    const iterations = workflow.spec.iterations;
    expect(iterations.map((it) => it.name)).toEqual([
      "requirements-analysis",
      "technical-design",
      "test-planning",
      "security-review",
      "estimation",
    ]);
    iterations.forEach((iteration, i) => {
      if (i === 0) expect(iteration.dependencies).toEqual([]);
      else expect(iteration.dependencies).toContain(iterations[i - 1]?.name);
      // The first iteration reads the raw stories; later ones target a story's folder (`stories/*/…`),
      // whose first wildcard is still the story id.
      for (const agent of iteration.agents) {
        if (i === 0) expect(agent.targets).toEqual(["stories/*.md"]);
        else for (const target of agent.targets ?? []) expect(target).toMatch(/^stories\/\*\/[a-z-]+\.md$/);
      }
    });
    const expected = ["requirements", "technical-design", "test-plan", "security-review", "estimation"];
    iterations.forEach((iteration, i) => {
      const deliverables = iteration.agents.flatMap((a) => a.deliverables);
      expect(deliverables).toContain(`stories/{story_id}/${expected[i]}.md`);
    });
  });

  it("user-story-refinement checks requirements.md for 1 KB and its two headings", () => {
    const workflow = loadShipped("user-story-refinement.yaml");
    const [first] = workflow.spec.iterations;
    const checks = splitCriteria(first?.completion_criteria ?? []).checks.filter(
      (c) => c.deliverable === "stories/{story_id}/requirements.md",
    );
    expect(checks).toContainEqual(expect.objectContaining({ check: "min_bytes", bytes: 1024 }));
    const headings = checks.find((c) => c.check === "headings");
    expect(headings?.headings).toEqual(
      expect.arrayContaining(["Functional Requirements", "Acceptance Criteria"]),
    );
    // The other deliverables get checks of their own.
    for (const iteration of workflow.spec.iterations.slice(1)) {
      const own = iteration.agents.flatMap((a) => a.deliverables);
      const { checks: itsChecks } = splitCriteria(iteration.completion_criteria);
      expect(itsChecks.some((c) => c.deliverable !== undefined && own.includes(c.deliverable))).toBe(true);
    }
  });

  it("incident-response takes the run input `id` and uses it in its deliverables", () => {
    const workflow = loadShipped("incident-response.yaml");
    expect(workflow.spec.inputs.id?.required).toBe(true);
    const patterns = workflow.spec.iterations.flatMap((it) => it.agents.flatMap((a) => a.deliverables));
    expect(patterns.some((p) => p.includes("{id}"))).toBe(true);
  });

  it("documentation uses the seed's documentation roles", () => {
    const workflow = loadShipped("documentation.yaml");
    const roles = new Set(workflow.spec.iterations.flatMap((it) => it.agents.map((a) => a.role)));
    for (const role of ["tech_lead", "qa_lead", "sre", "tech_writer", "architect", "data_architect"]) {
      expect(roles).toContain(role);
    }
  });
});
