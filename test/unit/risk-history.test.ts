import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Workspace } from "../../src/config/workspace.js";
import { claimAssignment } from "../../src/engine/claim.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import { createEngine, type EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { submitAssignment } from "../../src/engine/submit.js";
import type { Store } from "../../src/store/api.js";
import { defaultStoreFile } from "../../src/store/index.js";
import { SqliteStore } from "../../src/store/store.js";
import { roleYaml, tempDir, writeFiles } from "../helpers/temp.js";

// Risk's role history counts an overrun only when an agent's reported usage exceeded the role's
// token budget: usage at the budget, however far above the estimate, is not an overrun.

const WORKFLOW = `workflow:
  name: batches
  description: Two batches by one role
  iterations:
    - name: first
      goal: Write one note per story
      agents:
        - role: writer
          targets: ["a/*.md"]
          deliverables: ["notes/{a_id}.md"]
          complexity_per_target: 1
      completion_criteria:
        - Notes are faithful
    - name: second
      goal: Write one note per story
      dependencies: [first]
      agents:
        - role: writer
          targets: ["b/*.md"]
          deliverables: ["notes/{b_id}.md"]
          complexity_per_target: 1
      completion_criteria:
        - Notes are faithful
`;

describe("risk history", () => {
  let dir: string;
  let cleanup: () => void;
  let store: Store;
  let engine: EngineContext;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    writeFiles(dir, {
      "a/one.md": "# One\n\nA story.\n",
      "a/two.md": "# Two\n\nA story.\n",
      "b/three.md": "# Three\n\nA story.\n",
      ".baton/workflows/batches.yaml": WORKFLOW,
      // At most one target per instance: two assignments in the first batch.
      ".baton/roles/writer.yaml": roleYaml("Writer", 30000, 1),
    });
    store = new SqliteStore(defaultStoreFile(dir));
    engine = createEngine({ workspace: new Workspace(dir), store });
  });
  afterEach(() => {
    store.close();
    cleanup();
  });

  async function runFirstBatch(tokensUsed: number): Promise<string> {
    const created = await createIteration(engine, { workflow: "batches" });
    const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
    expect(generated.assignments).toHaveLength(2);
    for (const a of generated.assignments) {
      // Far above the estimate of a one-paragraph story.
      expect(a.estimated_tokens).toBeLessThan(tokensUsed / 2);
      const claim = claimAssignment(engine, { agent: "tester", iteration_id: created.iteration_id });
      expect(claim.assignment_id).toBe(a.id);
      writeFiles(dir, {
        [a.deliverables[0] as string]: `# Note\n\n${"A faithful summary of the story. ".repeat(10)}\n`,
      });
      const submitted = await submitAssignment(engine, { assignment_id: a.id, tokens_used: tokensUsed });
      expect(submitted.failures).toEqual([]);
    }
    return created.run_id;
  }

  async function secondBatchRisk(runId: string): Promise<string[]> {
    const created = await createIteration(engine, { run_id: runId, iteration: "second", force: true });
    const generated = await generatePrompts(engine, { iteration_id: created.iteration_id });
    return generated.assignments.flatMap((a) => a.risk.reasons);
  }

  it("two submits of 30,000 tokens against a 30,000 budget are not overruns", async () => {
    const runId = await runFirstBatch(30000);
    expect(store.roleHistory("batches", "writer", "none", 30000)).toMatchObject({
      assignments: 2,
      overruns: 0,
    });
    const reasons = await secondBatchRisk(runId);
    expect(reasons.join("\n")).not.toMatch(/overrun/);
  });

  it("usage above the budget is an overrun", async () => {
    const runId = await runFirstBatch(30001);
    expect(store.roleHistory("batches", "writer", "none", 30000)).toMatchObject({ overruns: 2 });
    const reasons = await secondBatchRisk(runId);
    expect(reasons.join("\n")).toMatch(/2 budget overrun\(s\) in 2 earlier assignment\(s\)/);
  });
});
