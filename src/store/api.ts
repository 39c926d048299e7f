import type {
  AssignmentFacts,
  AssignmentProgressRow,
  AssignmentRecord,
  AssignmentState,
  DeliverableBaseline,
  EventRecord,
  FeedbackRecord,
  IterationRecord,
  IterationState,
  NewAssignment,
  NewIteration,
  OutputSample,
  RunRecord,
  RunStatus,
  ValidationRecord,
} from "./records.js";

/** Thrown when the database cannot be used as it is; the message says why and what to do. */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

export type EventRefs = { run_id?: string; iteration_id?: string; assignment_id?: string };

/**
 * Everything the engine asks of persistent state, in domain terms: no SQL and no driver types, so a
 * second backend (a team's PostgreSQL) can implement it. `SqliteStore` (store.ts) is the one today.
 * Methods are synchronous: the engine's read-modify-write steps run inside `transaction`.
 */
export interface Store {
  /** Where the state lives, for messages (a file path or a connection name). */
  readonly file: string;
  /** The clock every timestamp comes from; tests inject one to move time without waiting. */
  readonly now: () => Date;
  /** False once closed: whatever polls the store (live updates) stops then. */
  readonly isOpen: boolean;
  close(): void;
  /** Runs `fn` atomically for every process sharing the state; a nested call joins the outer one. */
  transaction<T>(fn: () => T): T;

  saveWorkflow(hash: string, name: string, file: string, snapshot: string): void;
  getWorkflowSnapshot(hash: string): { name: string; file: string; snapshot: string } | undefined;
  createRun(workflow: string, workflowHash: string, inputs: Record<string, string>): RunRecord;
  getRun(id: string): RunRecord | undefined;
  listRuns(): RunRecord[];
  setRunStatus(id: string, status: RunStatus): void;

  insertIteration(it: NewIteration): void;
  getIteration(id: string): IterationRecord | undefined;
  findIterationByPath(relativePath: string): IterationRecord | undefined;
  listIterations(runId?: string): IterationRecord[];
  setIterationState(id: string, state: IterationState): void;

  replaceAssignments(iterationId: string, assignments: readonly NewAssignment[]): void;
  getAssignment(id: string): AssignmentRecord | undefined;
  listAssignments(iterationId: string): AssignmentRecord[];
  /** A run's assignments from `offset`, at most `limit`: by iteration, then local id. */
  listRunAssignments(runId: string, offset: number, limit: number): AssignmentRecord[];
  countRunAssignments(runId: string): number;
  /**
   * What monitoring needs of an iteration's assignments, in local id order; with `pendingIds`, of
   * just those pending ones and every assignment in another state.
   */
  listAssignmentProgress(iterationId: string, pendingIds?: readonly string[]): AssignmentProgressRow[];
  /** How many assignments are in each state, states in the order of their first local id. */
  stateCounts(iterationId: string): { state: AssignmentState; count: number }[];
  /** The deliverable paths of the assignments whose id starts with `idPrefix` (an iteration's: ids.ts). */
  deliverablePaths(idPrefix: string): string[];
  /** Those of them with a deliverable among `paths` or one an observation recorded anything of. */
  observedOrAmong(idPrefix: string, paths: readonly string[]): string[];
  setAssignmentState(id: string, state: AssignmentState, extra?: { attempts?: number }): void;
  /** Claims the oldest pending assignment matching the filter, first returning expired leases to pending. */
  claimNext(filter: { agent: string; role?: string; iteration_id?: string; leaseMs: number }): {
    claimed?: AssignmentRecord;
    expired: AssignmentRecord[];
  };
  /** An assignment of an iteration by id or local id, without reading the others. */
  findIterationAssignment(iterationId: string, id: string): AssignmentRecord | undefined;
  /** The first `limit` local ids of an iteration's assignments in these states, in order. */
  assignmentIdsIn(iterationId: string, states: readonly AssignmentState[], limit: number): string[];
  /** How many are in these states, counting no further than `cap` (a flat cost at any size). */
  countAssignmentsIn(iterationId: string, states: readonly AssignmentState[], cap: number): number;
  renewLease(id: string, leaseMs: number): void;
  /** False when the assignment has already passed or failed. */
  markSubmitted(id: string, tokensUsed: number | undefined): boolean;
  /** Books measured usage on an assignment whatever its state (the agent submitted itself first). */
  setTokensUsed(id: string, tokensUsed: number): void;
  release(id: string): void;
  /** Compare-and-set from the state and attempts a validation saw; false when another process moved it. */
  settleAssignment(
    id: string,
    from: Pick<AssignmentRecord, "state" | "attempts">,
    to: { state: AssignmentState; attempts: number; leaseMs?: number },
  ): boolean;
  recordDeliverable(assignmentId: string, file: string, size: number, mtimeMs: number | null): void;
  /** Records what deliverables held when the iteration's assignments were made; the first record of a path wins. */
  addBaselines(iterationId: string, baselines: readonly DeliverableBaseline[]): void;
  baselines(iterationId: string): Map<string, DeliverableBaseline>;
  /** Undoes a claim that could not be served (its prompt is missing): pending again, as if never claimed. */
  unclaim(id: string): void;
  passedDeliverableSizes(workflow: string): { path: string; size: number; iteration: string }[];
  /** Overruns count assignments whose reported usage exceeded `budget` tokens. */
  roleHistory(
    workflow: string,
    role: string,
    excludeIteration: string,
    budget: number,
  ): { assignments: number; failed: number; overruns: number };

  /** Replaces the output samples recorded for an iteration (a validation that passes it again re-records). */
  recordOutputSamples(iterationId: string, samples: readonly OutputSample[]): void;
  /** The newest `limit` samples of a workflow's iteration and role, from other iterations than `excludeIteration`. */
  outputSamples(
    workflow: string,
    iteration: string,
    role: string,
    excludeIteration: string,
    limit: number,
  ): OutputSample[];

  addValidation(iterationId: string, assignmentId: string | null, passed: boolean, report: unknown): number;
  latestValidation(iterationId: string): ValidationRecord | undefined;
  addFeedback(entry: Omit<FeedbackRecord, "id" | "created_at">): number;
  listFeedback(workflow: string, iterationId?: string): FeedbackRecord[];
  listWorkflowAssignmentFacts(workflow: string): AssignmentFacts[];
  /** The structured misses recorded with a workflow's validations, oldest first. */
  listValidationMisses(workflow: string): unknown[];
  tokenUsageByRole(
    workflow: string,
    sample: number,
  ): { role: string; count: number; estimated: number; actual: number; assignments: string[] }[];
  learningsWritten(workflow: string): Map<string, string>;
  saveLearningsWritten(workflow: string, written: ReadonlyMap<string, string>): void;

  /** Appends to the event log; never updated or deleted. */
  addEvent(kind: string, refs: EventRefs, data?: Record<string, unknown>): void;
  listEvents(filter?: { run_id?: string; after_id?: number }): EventRecord[];
}
