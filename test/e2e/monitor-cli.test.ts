import { existsSync } from "node:fs";
import { describe, expect } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import { openEngine, runCli, textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { itemsWorkspace, startIteration } from "../helpers/items.js";
import { CLI, writeFiles } from "../helpers/temp.js";

// `baton monitor` spawned from dist/: exit 0 when every deliverable is written, 2 on a stall.

test.override({ files: itemsWorkspace("monitor-cli-demo", ["a", "b"]) });

let dir: string;
let iterationId: string;
let assignments: { id: string; deliverables: string[] }[];

// On the real clock: the spawned CLI compares claim times with its own.
test.beforeEach(async ({ dir: workspace }) => {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  dir = workspace;
  const { engine, close } = openEngine(dir);
  try {
    ({ iterationId, assignments } = await startIteration(engine, "monitor-cli-demo"));
  } finally {
    close();
  }
});

describe("baton monitor", () => {
  test("exits 0 when every deliverable is written", async () => {
    writeFiles(dir, { "out/a.md": textOfSize(300), "out/b.md": textOfSize(300) });
    const result = await runCli(["-w", dir, "monitor", iterationId], dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    for (const a of assignments) expect(result.stdout).toContain(`${a.id} pending 100% (1/1 deliverables)`);
    expect(result.stdout).toContain("complete: every deliverable is written");
  });

  test("exits 2 on a claimed assignment without changes (--stall-minutes 0)", async () => {
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

  test("rejects an unknown target with exit 1 and names the known iterations", async () => {
    const result = await runCli(["-w", dir, "monitor", "no-such-iteration"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown iteration `no-such-iteration`");
    expect(result.stderr).toContain(iterationId);
  });
});
