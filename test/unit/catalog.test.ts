import { describe, expect } from "vitest";
import type { EngineContext } from "../../src/engine/engine.js";
import { test } from "../helpers/fixtures.js";
import { roleYaml, writeFiles } from "../helpers/temp.js";

const WORKFLOW = (goal: string) => `workflow:
  name: tiny
  description: One iteration
  iterations:
    - name: only
      goal: ${goal}
      agents:
        - role: scribe
          deliverables: ["out.md"]
`;

/** A workspace with one role and one workflow of its own. */
const it = test.extend<{ engine: EngineContext }>({
  engine: async ({ dir, baton }, use) => {
    writeFiles(dir, {
      ".baton/roles/scribe.yaml": roleYaml("Scribe"),
      ".baton/workflows/tiny.yaml": WORKFLOW("Write it"),
    });
    await use(baton.engine);
  },
});

describe("Catalog", () => {
  it("parses a workflow once and again only after its file changes", ({ dir, engine }) => {
    const first = engine.catalog.workflow("tiny");
    expect(engine.catalog.workflow("tiny")).toBe(first);
    writeFiles(dir, { ".baton/workflows/tiny.yaml": WORKFLOW("Write it twice, and well") });
    const edited = engine.catalog.workflow("tiny");
    expect(edited).not.toBe(first);
    expect(edited.spec.iterations[0]?.goal).toBe("Write it twice, and well");
  });

  it("notices a role added or edited in .baton/roles/", ({ dir, engine }) => {
    const roles = engine.catalog.roles();
    expect(engine.catalog.roles()).toBe(roles);
    expect(roles.has("critic")).toBe(false);
    writeFiles(dir, { ".baton/roles/critic.yaml": roleYaml("Critic") });
    expect(engine.catalog.roles().get("critic")?.name).toBe("Critic");
    writeFiles(dir, { ".baton/roles/critic.yaml": roleYaml("Critic", 123456) });
    expect(engine.catalog.roles().get("critic")?.constraints.token_budget).toBe(123456);
  });

  it("recompiles templates when a workspace override appears", ({ dir, engine }) => {
    const templates = engine.catalog.templates();
    expect(engine.catalog.templates()).toBe(templates);
    writeFiles(dir, { ".baton/templates/readme.md.hbs": "Overridden {{iteration.name}}\n" });
    const overridden = engine.catalog.templates();
    expect(overridden).not.toBe(templates);
    expect(overridden.render("readme.md.hbs", { iteration: { name: "x" } })).toBe("Overridden x\n");
  });

  it("keeps a run on its snapshot after the workflow file changes", ({ dir, engine, baton: { store } }) => {
    const workflow = engine.catalog.workflow("tiny");
    store.saveWorkflow(workflow.hash, workflow.name, workflow.file, workflow.text);
    const run = store.createRun(workflow.name, workflow.hash, {});
    writeFiles(dir, { ".baton/workflows/tiny.yaml": WORKFLOW("Something else") });
    expect(engine.catalog.workflowOf(run).spec.iterations[0]?.goal).toBe("Write it");
  });
});
