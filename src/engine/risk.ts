import type { RiskScore } from "../store/records.js";

export interface RiskInputs {
  estimated: number;
  budget: number;
  /** Input tokens of each target in the assignment, and the median across the role's targets. */
  targetTokens: readonly number[];
  medianTargetTokens: number;
  deliverables: number;
  /** Targets that are empty files, and context references missing from the workspace. */
  missingInputs: readonly string[];
  /** This role's record in earlier iterations of the same workflow. */
  history: { assignments: number; failed: number; overruns: number };
  oversized: boolean;
}

/**
 * A 0–1 risk score with the reasons behind it. The estimate/budget ratio dominates; size
 * outliers, many deliverables, missing inputs and a poor history each add a bounded share.
 */
export function scoreRisk(input: RiskInputs): RiskScore {
  const ratio = input.budget > 0 ? input.estimated / input.budget : 1;
  const reasons = [`estimate is ${Math.round(ratio * 100)}% of the ${input.budget}-token budget`];
  let score = 0.5 * clamp((ratio - 0.5) / 0.5);
  if (input.oversized) {
    reasons.push("a single target exceeds the budget on its own");
    score = Math.max(score, 0.85);
  } else if (ratio > 1) {
    score = Math.max(score, 0.8);
  }
  const outliers = input.targetTokens.filter(
    (t) => input.medianTargetTokens > 0 && t > 3 * input.medianTargetTokens,
  );
  if (outliers.length > 0) {
    reasons.push(
      `${outliers.length} target(s) over 3× the median target size (${input.medianTargetTokens} tokens)`,
    );
    score += 0.15;
  }
  if (input.deliverables > 10) {
    reasons.push(`${input.deliverables} deliverables in one assignment`);
    score += 0.1 * clamp((input.deliverables - 10) / 20);
  }
  if (input.missingInputs.length > 0) {
    reasons.push(`missing or empty inputs: ${input.missingInputs.slice(0, 5).join(", ")}`);
    score += 0.15;
  }
  const { assignments, failed, overruns } = input.history;
  if (assignments > 0 && failed + overruns > 0) {
    reasons.push(
      `role history: ${failed} failed validation and ${overruns} budget overrun(s) in ${assignments} earlier assignment(s)`,
    );
    score += 0.2 * clamp((failed + overruns) / assignments);
  }
  score = Math.round(clamp(score) * 100) / 100;
  const level = score >= 0.67 ? "high" : score >= 0.34 ? "medium" : "low";
  return { score, level, reasons };
}

function clamp(value: number, min = 0, max = 1): number {
  return Math.min(max, Math.max(min, value));
}
