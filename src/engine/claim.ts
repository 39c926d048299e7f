import { UserError } from "../errors.js";
import { promptUri } from "../uris.js";
import { workdirOf } from "./code/isolation.js";
import { LEASE_MS } from "./constants.js";
import type { EngineContext } from "./engine.js";
import { reworkPromptPath } from "./ids.js";
import { promptExists } from "./recovery.js";
import { resolveIteration } from "./resolve.js";

export interface ClaimArgs {
  agent: string;
  role?: string;
  iteration_id?: string;
}

/** The claimed assignment, or `assignment_id: null` when nothing matching is pending. */
export interface ClaimResult {
  assignment_id: string | null;
  role?: string;
  prompt?: string;
  prompt_uri?: string;
  deliverables?: string[];
  token_budget?: number;
  attempt?: number;
  lease_expires_at?: string;
  /** The assignment's own git worktree, workspace-relative (`isolation: worktree`). */
  workdir?: string;
}

/**
 * Agent-to-agent dispatch: a sub-agent claims the next pending assignment (atomically, across
 * processes), reads its prompt, writes its deliverables and submits them for validation.
 */
export function claimAssignment(engine: EngineContext, args: ClaimArgs): ClaimResult {
  const iterationId = args.iteration_id && resolveIteration(engine, args.iteration_id).iteration.id;
  const { claimed, expired } = engine.store.claimNext({
    agent: args.agent,
    role: args.role,
    iteration_id: iterationId,
    leaseMs: LEASE_MS,
  });
  for (const a of expired) {
    engine.store.addEvent(
      "lease_expired",
      {
        run_id: engine.store.getIteration(a.iteration_id)?.run_id,
        iteration_id: a.iteration_id,
        assignment_id: a.id,
      },
      { agent: a.agent },
    );
  }
  if (!claimed) return { assignment_id: null };
  const { iteration, workflow } = resolveIteration(engine, claimed.iteration_id);
  const rework = reworkPromptPath(iteration.path, claimed);
  const promptFile = rework && promptExists(engine, rework) ? rework : claimed.prompt_path;
  if (!promptExists(engine, promptFile)) {
    // Generation was interrupted before this prompt was written: hand nothing out, burn no lease.
    engine.store.unclaim(claimed.id);
    throw new UserError(
      `the prompt of assignment ${claimed.id} was never written (prompt generation was interrupted); ` +
        `call generate_prompts with iteration_id "${iteration.id}" to write the missing prompts, then claim again`,
    );
  }
  engine.store.addEvent(
    "claimed",
    { run_id: iteration.run_id, iteration_id: iteration.id, assignment_id: claimed.id },
    { agent: args.agent },
  );
  return {
    assignment_id: claimed.id,
    role: claimed.role,
    prompt: engine.workspace.readText(promptFile, { what: "prompt" }),
    prompt_uri: promptUri(iteration.id, promptFile.replace(/^.*\//, "").replace(/\.md$/, "")),
    deliverables: claimed.deliverables,
    token_budget: workflow.roles.get(claimed.role)?.constraints.token_budget,
    attempt: claimed.attempts + 1,
    lease_expires_at: claimed.lease_expires_at ?? undefined,
    workdir: workdirOf(iteration, claimed),
  };
}
