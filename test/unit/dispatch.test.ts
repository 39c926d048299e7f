import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import { LEASE_MINUTES as DEFAULT_LEASE_MINUTES } from "../../src/engine/constants.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import type { EngineContext } from "../../src/engine/engine.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { submitAssignment } from "../../src/engine/submit.js";
import { UserError } from "../../src/errors.js";
import type { Store } from "../../src/store/api.js";
import { afterClaim, afterSubmit } from "../../src/tools/hints.js";
import { markdownDoc, type TestClock, textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { writeFiles } from "../helpers/temp.js";

// claim_assignment / submit_assignment on a real store whose clock the test moves.

const WORKFLOW = `workflow:
  name: dispatch-demo
  description: Two developer items and a guide
  max_attempts: 2
  iterations:
    - name: build
      goal: Build the items and document them
      agents:
        - role: developer
          targets: ["items/*.md"]
          deliverables: ["out/{item_id}.md"]
        - role: tech_writer
          deliverables: ["out/guide.md"]
agent_roles:
  developer: { complexity_threshold: 1 }
`;

test.override({
  files: {
    ".baton/workflows/dispatch-demo.yaml": WORKFLOW,
    "items/a.md": "# Item A\n",
    "items/b.md": "# Item B\n",
  },
});

let dir: string;
let clock: TestClock;
let engine: EngineContext;
let store: Store;
let iterationId: string;
let folder: string;

test.beforeEach(async ({ dir: workspace, clock: testClock, baton }) => {
  dir = workspace;
  clock = testClock;
  ({ engine, store } = baton);
  const created = await createIteration(engine, { workflow: "dispatch-demo" });
  iterationId = created.iteration_id;
  folder = created.path;
});

const generate = () => generatePrompts(engine, { iteration_id: iterationId });
const good = (name: string) => markdownDoc(name, { Body: `The ${name} deliverable.` }, 300);

describe("claim_assignment", () => {
  test("returns nothing before prompts exist: the iteration is not ready", () => {
    const result = claimAssignment(engine, { agent: "w1" });
    expect(result.assignment_id).toBeNull();
    expect(afterClaim(result, { agent: "w1" })).toContain("Nothing is ready");
  });

  test("gives the next pending assignment with its prompt, deliverables and a 30-minute lease", async () => {
    const generated = await generate();
    const claim = claimAssignment(engine, { agent: "w1" });
    const expected = generated.assignments.find((a) => a.id === claim.assignment_id);
    expect(expected).toBeDefined();
    expect(claim).toMatchObject({
      role: expected?.role,
      deliverables: expected?.deliverables,
      prompt_uri: expected?.prompt_uri,
      attempt: 1,
      lease_expires_at: clock.iso(DEFAULT_LEASE_MINUTES),
    });
    expect(DEFAULT_LEASE_MINUTES).toBe(30);
    expect(claim.prompt).toBe(readFileSync(path.join(dir, expected?.prompt_path as string), "utf8"));
    expect(claim.token_budget).toBeGreaterThan(0);
    expect(store.getAssignment(claim.assignment_id as string)).toMatchObject({
      state: "claimed",
      agent: "w1",
      claimed_at: clock.iso(),
    });
    expect(
      store
        .listEvents()
        .filter((e) => e.kind === "claimed")
        .map((e) => e.assignment_id),
    ).toEqual([claim.assignment_id]);
  });

  test("claims each assignment once, then answers assignment_id null", async () => {
    const generated = await generate();
    expect(generated.assignments).toHaveLength(3);
    const ids = [1, 2, 3].map((n) => claimAssignment(engine, { agent: `w${n}` }).assignment_id);
    expect(new Set(ids).size).toBe(3);
    expect(ids.sort()).toEqual(generated.assignments.map((a) => a.id).sort());
    const none = claimAssignment(engine, { agent: "w4" });
    expect(none).toEqual({ assignment_id: null });
  });

  test("filters by role", async () => {
    await generate();
    const writer = claimAssignment(engine, { agent: "w1", role: "tech_writer" });
    expect(writer.role).toBe("tech_writer");
    expect(writer.deliverables).toEqual(["out/guide.md"]);
    expect(claimAssignment(engine, { agent: "w2", role: "tech_writer" }).assignment_id).toBeNull();
    const none = claimAssignment(engine, { agent: "w2", role: "architect" });
    expect(none.assignment_id).toBeNull();
    expect(afterClaim(none, { agent: "w2", role: "architect" })).toContain("for role `architect`");
    expect(claimAssignment(engine, { agent: "w3", role: "developer" }).role).toBe("developer");
  });

  test("returns an assignment to pending when its lease expires (injected clock)", async () => {
    await generate();
    const first = claimAssignment(engine, { agent: "slow", role: "tech_writer" });
    expect(first.assignment_id).not.toBeNull();

    clock.advanceMinutes(29);
    expect(claimAssignment(engine, { agent: "eager", role: "tech_writer" }).assignment_id).toBeNull();
    expect(store.getAssignment(first.assignment_id as string)?.agent).toBe("slow");

    clock.advanceMinutes(2);
    const again = claimAssignment(engine, { agent: "eager", role: "tech_writer" });
    expect(again.assignment_id).toBe(first.assignment_id);
    expect(again.lease_expires_at).toBe(clock.iso(30));
    expect(store.getAssignment(first.assignment_id as string)).toMatchObject({
      state: "claimed",
      agent: "eager",
    });
    const expired = store.listEvents().filter((e) => e.kind === "lease_expired");
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ assignment_id: first.assignment_id, data: { agent: "slow" } });
  });
});

describe("submit_assignment", () => {
  test("validates at once and passes an assignment whose deliverables pass", async () => {
    await generate();
    const claim = claimAssignment(engine, { agent: "w1", role: "tech_writer" });
    writeFiles(dir, { "out/guide.md": good("Guide") });
    const result = await submitAssignment(engine, {
      assignment_id: claim.assignment_id as string,
      summary: "wrote the guide",
      tokens_used: 1234,
    });
    expect(result).toMatchObject({
      passed: true,
      state: "passed",
      failures: [],
      attempt: 1,
      max_attempts: 3,
    });
    expect(result.rework_prompt).toBeUndefined();
    expect(result.remaining).toBe(2);
    expect(result.remaining_ids).toHaveLength(2);
    expect(afterSubmit(result)).toContain("2 assignment(s)");
    expect(store.getAssignment(claim.assignment_id as string)).toMatchObject({
      state: "passed",
      tokens_used: 1234,
    });
    // Only this assignment was validated: the iteration itself is not passed by it.
    expect(store.getIteration(iterationId)?.state).toBe("generated");
  });

  test("fails with the reasons and a rework prompt; the claim stays with the agent", async () => {
    await generate();
    const claim = claimAssignment(engine, { agent: "w1", role: "tech_writer" });
    const id = claim.assignment_id as string;
    writeFiles(dir, { "out/guide.md": textOfSize(50, "Guide") });
    clock.advanceMinutes(10);
    const result = await submitAssignment(engine, { assignment_id: id });
    expect(result).toMatchObject({ passed: false, state: "claimed", attempt: 1, max_attempts: 3 });
    expect(result.failures).toEqual([
      {
        assignment_id: id,
        deliverable: "out/guide.md",
        check: "implicit:min_bytes",
        reason: "out/guide.md: 50 bytes, needs >= 200",
      },
    ]);
    const local = store.getAssignment(id)?.local_id as string;
    const reworkFile = path.join(dir, folder, "agent-prompts", `${local}-rework-1.md`);
    expect(result.rework_prompt).toBe(readFileSync(reworkFile, "utf8"));
    expect(result.rework_prompt).toContain("out/guide.md: 50 bytes, needs >= 200");
    // The same agent keeps it, with a fresh lease; nobody else can claim it.
    expect(store.getAssignment(id)).toMatchObject({
      state: "claimed",
      agent: "w1",
      attempts: 1,
      lease_expires_at: clock.iso(30),
    });
    expect(claimAssignment(engine, { agent: "w2", role: "tech_writer" }).assignment_id).toBeNull();

    writeFiles(dir, { "out/guide.md": good("Guide") });
    const second = await submitAssignment(engine, { assignment_id: id });
    expect(second).toMatchObject({ passed: true, state: "passed", failures: [], attempt: 2 });
  });

  test("hands the rework prompt to the next claimer after the lease expires", async () => {
    await generate();
    const claim = claimAssignment(engine, { agent: "w1", role: "tech_writer" });
    const id = claim.assignment_id as string;
    const result = await submitAssignment(engine, { assignment_id: id });
    expect(result.failures.map((f) => f.reason)).toEqual(["out/guide.md: file does not exist"]);
    clock.advanceMinutes(DEFAULT_LEASE_MINUTES + 1);
    const again = claimAssignment(engine, { agent: "w2", role: "tech_writer" });
    expect(again.assignment_id).toBe(id);
    expect(again.attempt).toBe(2);
    expect(again.prompt).toBe(result.rework_prompt);
    expect(again.prompt_uri).toMatch(/-rework-1$/);
  });

  test("refuses to submit an assignment that already passed, or one that does not exist", async () => {
    await generate();
    const claim = claimAssignment(engine, { agent: "w1", role: "tech_writer" });
    const id = claim.assignment_id as string;
    writeFiles(dir, { "out/guide.md": good("Guide") });
    expect((await submitAssignment(engine, { assignment_id: id })).passed).toBe(true);

    const again = submitAssignment(engine, { assignment_id: id });
    await expect(again).rejects.toThrow(UserError);
    await expect(submitAssignment(engine, { assignment_id: id })).rejects.toThrow(
      `assignment ${id} is already passed; nothing to submit`,
    );
    await expect(submitAssignment(engine, { assignment_id: "nope/developer-01" })).rejects.toThrow(
      "unknown assignment `nope/developer-01`",
    );
  });
});
