import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { markdownDoc, textOfSize } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { callOk } from "../helpers/mcp.js";
import { writeFiles } from "../helpers/temp.js";

// Use case 2 over stdio with MCP alone: a sentence becomes a plan, the plan a run, its assignments
// are claimed, written, watched, submitted and validated.

const PLAN = {
  name: "oauth2-login",
  iterations: [
    {
      name: "build",
      goal: "Implement and document OAuth2 login",
      subtasks: [
        {
          role: "developer",
          description: "Implement the authorization code flow",
          deliverables: ["tasks/oauth2/implementation.md"],
          complexity: 5,
        },
        {
          role: "tech_writer",
          description: "Document the login flow for API clients",
          deliverables: ["tasks/oauth2/guide.md"],
          complexity: 2,
        },
      ],
      completion_criteria: ["A reviewer confirms the flow follows RFC 6749"],
    },
  ],
};

interface Claim {
  assignment_id: string | null;
  role?: string;
  prompt?: string;
  deliverables?: string[];
  lease_expires_at?: string;
}
interface Status {
  runs: {
    id: string;
    iterations: {
      id: string;
      progress: number;
      assignments: { id: string; state: string; progress: number }[];
    }[];
  }[];
  next: string[];
}

describe("dispatch over stdio", () => {
  test("decompose → create_iteration → claim → write → get_status → submit → validate", async ({
    dir,
    stdio: { client },
  }) => {
    const planned = await callOk<{ status: string; run_id: string; ready: string[] }>(
      client,
      "decompose_task",
      {
        task: "Implement OAuth2 authentication for the API",
        plan: PLAN,
        keep: true,
      },
    );
    expect(planned).toMatchObject({ status: "planned", ready: ["build"] });
    expect(existsSync(path.join(dir, ".baton", "workflows", "plan-oauth2-login.yaml"))).toBe(true);

    const created = await callOk<{ iteration_id: string; iteration: string }>(client, "create_iteration", {
      run_id: planned.run_id,
    });
    expect(created.iteration).toBe("build");
    const iteration_id = created.iteration_id;
    const generated = await callOk<{ assignments: { id: string; prompt_path: string }[] }>(
      client,
      "generate_prompts",
      { iteration_id },
    );
    expect(generated.assignments).toHaveLength(2);

    const dev = await callOk<Claim>(client, "claim_assignment", { agent: "dev-1", role: "developer" });
    const writer = await callOk<Claim>(client, "claim_assignment", { agent: "writer-1" });
    expect(dev).toMatchObject({ role: "developer", deliverables: ["tasks/oauth2/implementation.md"] });
    expect(writer).toMatchObject({ role: "tech_writer", deliverables: ["tasks/oauth2/guide.md"] });
    expect(Date.parse(dev.lease_expires_at as string)).toBeGreaterThan(Date.now());
    const devPrompt = generated.assignments.find((a) => a.id === dev.assignment_id)?.prompt_path as string;
    expect(dev.prompt).toBe(readFileSync(path.join(dir, devPrompt), "utf8"));
    expect(dev.prompt).toContain("tasks/oauth2/implementation.md");
    expect((await callOk<Claim>(client, "claim_assignment", { agent: "idle" })).assignment_id).toBeNull();

    // Half of the developer's file: progress shows, nothing is done yet.
    writeFiles(dir, { "tasks/oauth2/implementation.md": textOfSize(100, "Implementation") });
    const status = await callOk<Status>(client, "get_status", { run_id: planned.run_id });
    const it = status.runs[0]?.iterations[0];
    const devStatus = it?.assignments.find((a) => a.id === dev.assignment_id);
    expect(devStatus).toMatchObject({ state: "claimed", progress: 0.5 });
    expect(it?.progress).toBeGreaterThan(0);
    expect(status.next.join("\n")).toContain(`wait for the agents of ${iteration_id}`);

    writeFiles(dir, {
      "tasks/oauth2/implementation.md": markdownDoc(
        "Implementation",
        { Flow: "Authorization code with PKCE." },
        400,
      ),
      "tasks/oauth2/guide.md": markdownDoc(
        "Login guide",
        { Steps: "Redirect, exchange the code, call the API." },
        400,
      ),
    });
    const done = await callOk<Status>(client, "get_status", { iteration_id });
    expect(done.runs[0]?.iterations[0]?.assignments.map((a) => a.progress)).toEqual([1, 1]);
    expect(done.next).toContain(`validate_iteration {"iteration_id": "${iteration_id}"}`);

    for (const claim of [dev, writer]) {
      const submitted = await callOk<{ passed: boolean; state: string; failures: unknown[] }>(
        client,
        "submit_assignment",
        { assignment_id: claim.assignment_id, tokens_used: 5000 },
      );
      expect(submitted).toMatchObject({ passed: true, state: "passed", failures: [] });
    }

    const report = await callOk<{ passed: boolean; counts: { failed: number; needs_review: number } }>(
      client,
      "validate_iteration",
      { iteration_id },
    );
    expect(report).toMatchObject({ passed: true, counts: { failed: 0, needs_review: 1 } });
    const final = await callOk<Status>(client, "get_status", { run_id: planned.run_id });
    expect(final.next).toContain(`run ${planned.run_id} is complete`);
  });
});
