import type { Check } from "../../config/schema.js";

// The check kinds import `results.ts`, never this file: the workflow schema imports the kinds, so a
// kind that reached `config/schema.ts` would close a cycle.
export type {
  CheckContext,
  CheckResult,
  CheckStatus,
  FileSnapshot,
  Miss,
  Outcome,
  ScopeBaseline,
} from "./results.js";

/** A machine check whose `deliverable` pattern has already been expanded to one concrete file. */
export type ConcreteCheck = Check & { file?: string };

export type { Check };
