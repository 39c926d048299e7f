import type { Learning } from "./learnings.js";

/** The constraints a learning's action recalibrates. */
const LEVERS = ["tokens_per_point", "complexity_threshold"] as const;

/**
 * Makes one synthesis's learnings agree with each other. At most one recalibration per role and
 * lever: the first wins (`found` lists measured token learnings before feedback ones). And a
 * smaller allocation asked for by "ran out of budget" feedback is not applied when the same
 * role's measured usage lowers tokens per point — agents that wrote less than estimated did not
 * run out because of the estimate, and applying both would pull the allocation two ways. A
 * superseded learning stays, without its action, as a flag for a person.
 */
export function coherentLearnings(
  found: readonly Learning[],
  tokensPerPoint: (role: string) => number | undefined,
): Learning[] {
  const taken = new Map<string, Learning>();
  return found.map((learning) => {
    const { role, action } = learning;
    if (!role || !action) return learning;
    const levers = LEVERS.filter((lever) => action[lever] !== undefined);
    if (levers.length === 0) return learning;
    const measured = taken.get(`${role}|tokens_per_point`);
    const current = tokensPerPoint(role);
    const measuredLower =
      measured?.evidence.source === "tokens" &&
      current !== undefined &&
      (measured.action?.tokens_per_point ?? current) < current;
    const clash =
      levers.map((lever) => taken.get(`${role}|${lever}`)).find((l) => l) ??
      (measuredLower && action.complexity_threshold !== undefined ? measured : undefined);
    if (!clash) {
      for (const lever of levers) taken.set(`${role}|${lever}`, learning);
      return learning;
    }
    const rest = { ...action };
    for (const lever of levers) delete rest[lever];
    return {
      ...learning,
      kind: "flag",
      text: `${learning.text}. Not applied: \`${clash.id}\` already recalibrates ${role} in this synthesis`,
      action: Object.keys(rest).length > 0 ? rest : undefined,
    };
  });
}
