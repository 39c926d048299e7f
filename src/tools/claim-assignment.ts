import { z } from "zod";
import { afterClaim } from "./hints.js";
import { linksOfClaim, renderClaim } from "./render.js";
import { defineTool } from "./tool.js";

export const claimAssignmentTool = defineTool({
  name: "claim_assignment",
  title: "Claim an assignment",
  kind: "write",
  description: `For a worker sub-agent: claim the next pending assignment (optionally of your role) with its prompt.
assignment_id is null when nothing is ready; the 30-minute lease renews with each call on it.
Example: {"agent": "worker-1", "role": "product_analyst"}`,
  input: {
    agent: z.string().min(1).describe("your name, recorded with the claim"),
    role: z.string().optional().describe("only assignments of this role"),
    iteration_id: z.string().optional().describe("only this iteration"),
  },
  output: {
    assignment_id: z.string().nullable(),
    role: z.string().optional(),
    prompt: z.string().optional(),
    prompt_uri: z.string().optional(),
    deliverables: z.array(z.string()).optional(),
    token_budget: z.number().optional(),
    attempt: z.number().optional(),
    lease_expires_at: z.string().optional(),
    workdir: z.string().optional(),
    next: z.string(),
  },
  handle: async (args, { engine }) => {
    const result = (await import("../engine/claim.js")).claimAssignment(engine, args);
    return { ...result, next: afterClaim(result, args) };
  },
  render: renderClaim,
  links: linksOfClaim,
  summarize: (r) =>
    r.assignment_id
      ? `Claimed ${r.assignment_id} (${r.role}), ${r.deliverables?.length ?? 0} deliverable(s)${r.workdir ? ` in worktree ${r.workdir}` : ""}, lease until ${r.lease_expires_at}. ${r.next}`
      : r.next,
});
