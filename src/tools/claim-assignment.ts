import { z } from "zod";
import { claimAssignment } from "../engine/dispatch.js";
import { defineTool } from "./tool.js";

export const claimAssignmentTool = defineTool({
  name: "claim_assignment",
  title: "Claim an assignment",
  kind: "write",
  description: `For a sub-agent: atomically take the next pending assignment of a ready iteration and get its prompt. Safe when many agents claim at once; no assignment is given twice.
Use it when you are a worker agent looking for work (optionally only for your role). The orchestrator does not need it when it hands prompts out itself.
Returns assignment_id, prompt (the full text; on rework, the rework prompt), deliverables (exact paths to write), token_budget and lease_expires_at (30 minutes, renewed by any call about the assignment; an expired lease returns it to pending). assignment_id is null when nothing is ready.
Example: {"agent": "worker-1", "role": "product_analyst"}`,
  input: {
    agent: z.string().min(1).describe("your name, recorded with the claim"),
    role: z.string().optional().describe("only assignments of this role"),
    iteration_id: z.string().optional().describe("only this iteration"),
  },
  output: {
    assignment_id: z.string().nullable(),
    iteration_id: z.string().optional(),
    role: z.string().optional(),
    prompt: z.string().optional(),
    prompt_uri: z.string().optional(),
    deliverables: z.array(z.string()).optional(),
    targets: z.array(z.string()).optional(),
    token_budget: z.number().int().optional(),
    attempt: z.number().int().optional(),
    lease_expires_at: z.string().optional(),
    released: z.array(z.string()),
    next: z.string(),
  },
  handle: async (args, { engine }) => claimAssignment(engine, args),
  summarize: (r) =>
    r.assignment_id
      ? `Claimed ${r.assignment_id} (${r.role}), ${r.deliverables?.length ?? 0} deliverable(s), lease until ${r.lease_expires_at}. ${r.next}`
      : r.next,
});
