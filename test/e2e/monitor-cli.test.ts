import { existsSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { openEngine, runCli, textOfSize } from "../helpers/baton.js";
import { CLI, tempDir, writeFiles } from "../helpers/temp.js";

// `baton monitor` spawned from dist/: exit 0 when every deliverable is written, 2 on a stall.

const WORKFLOW = `workflow:
  name: monitor-cli-demo
  description: One developer per item
  iterations:
    - name: write
      goal: Write one file per item
      agents:
        - role: developer
          targets: ["items/*.md"]
          deliverables: ["out/{item_id}.md"]
agent_roles:
  developer: { complexity_threshold: 1 }
`;

let dir: string;
let cleanup: () => void;
let iterationId: string;
let assignments: { id: string; deliverables: string[] }[];

beforeEach(async () => {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  ({ dir, cleanup } = tempDir());
  writeFiles(dir, {
    ".baton/workflows/monitor-cli-demo.yaml": WORKFLOW,
    "items/a.md": "# A\n",
    "items/b.md": "# B\n",
  });
  const { engine, close } = openEngine(dir);
  try {
    const created = await createIteration(engine, { workflow: "monitor-cli-demo" });
    iterationId = created.iteration_id;
    assignments = (await generatePrompts(engine, { iteration_id: iterationId })).assignments;
  } finally {
    close();
  }
});
afterEach(() => cleanup());

describe("baton monitor", () => {
  it("exits 0 when every deliverable is written", async () => {
    writeFiles(dir, { "out/a.md": textOfSize(300), "out/b.md": textOfSize(300) });
    const result = await runCli(["-w", dir, "monitor", iterationId], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const a of assignments) expect(result.stdout).toContain(`${a.id} pending 100% (1/1 deliverables)`);
    expect(result.stdout).toContain("complete: every deliverable is written");
  });

  it("exits 2 on a claimed assignment without changes (--stall-minutes 0)", async () => {
    writeFiles(dir, { "out/b.md": textOfSize(300) });
    const { engine, close } = openEngine(dir);
    let claimed: string;
    try {
      claimed = claimAssignment(engine, { agent: "sleepy", iteration_id: iterationId })
        .assignment_id as string;
    } finally {
      close();
    }
    expect(claimed).toBe(assignments.find((a) => a.deliverables[0] === "out/a.md")?.id);
    const result = await runCli(["-w", dir, "monitor", iterationId, "--stall-minutes", "0"], dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`${claimed} claimed 0% (0/1 deliverables) STALLED`);
    expect(result.stderr).toContain(`stalled: ${claimed} (no deliverable changed within the stall limit)`);
  });

  it("rejects an unknown target with exit 1 and names the known iterations", async () => {
    const result = await runCli(["-w", dir, "monitor", "no-such-iteration"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown iteration `no-such-iteration`");
    expect(result.stderr).toContain(iterationId);
  });
});
