import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Store, StoreError } from "./api.js";
import { type Connection, openConnection, retryWhileBusy, type Statement } from "./driver.js";
import { MIGRATIONS } from "./migrations.js";
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

type Row = Record<string, unknown>;

const json = (value: unknown): string => JSON.stringify(value);
const parse = <T>(value: unknown): T => JSON.parse(String(value)) as T;

function toRun(row: Row): RunRecord {
  return { ...(row as unknown as RunRecord), inputs: parse(row.inputs) };
}

function toIteration(row: Row): IterationRecord {
  const { scope_baseline: rawBaseline, ...rest } = row;
  let baseline: unknown;
  return {
    ...(rest as unknown as Omit<IterationRecord, "scope_baseline">),
    forced: row.forced === 1,
    targets_override: row.targets_override == null ? null : parse(row.targets_override),
    // A file snapshot can be large: decoded only by the validation that needs it.
    get scope_baseline() {
      if (baseline === undefined) baseline = rawBaseline == null ? null : parse(rawBaseline);
      return baseline;
    },
  };
}

function toAssignment(row: Row): AssignmentRecord {
  return {
    ...(row as unknown as AssignmentRecord),
    targets: parse(row.targets),
    deliverables: parse(row.deliverables),
    estimate: parse(row.estimate),
    risk: parse(row.risk),
  };
}

/** The first column of a row read with `raw()`. */
const first = (row: unknown): unknown => (row as unknown[] | undefined)?.[0];
/** The bounds of the ids that start with `prefix`, for a range of an index. */
const prefixRange = (prefix: string): [string, string] => [
  prefix,
  prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1),
];

const STATES: readonly AssignmentState[] = ["pending", "claimed", "submitted", "passed", "failed"];
/** A state filter over the (iteration_id, state, local_id) index: one range per state asked for. */
const IN_STATES = `(${STATES.map((s) => `(? AND state = '${s}')`).join(" OR ")})`;
const NOT_PENDING = STATES.filter((s) => s !== "pending")
  .map((s) => `'${s}'`)
  .join(", ");
const stateFlags = (states: readonly AssignmentState[]) => STATES.map((s) => (states.includes(s) ? 1 : 0));

/**
 * All of Baton's state, in one SQLite file. The only module that speaks SQL. Several processes may
 * share one database: WAL lets readers run beside a writer, the busy timeout waits out short
 * write locks, and read-modify-write sequences run in `BEGIN IMMEDIATE` transactions.
 */
export class SqliteStore implements Store {
  readonly file: string;
  private readonly db: Connection;
  /** The clock every timestamp comes from; tests inject one to move time without waiting. */
  readonly now: () => Date;

  constructor(file: string, now: () => Date = () => new Date()) {
    this.file = file;
    this.now = now;
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    this.db = openConnection(file);
    this.db.pragma("busy_timeout = 5000");
    // Before anything that writes: switching to WAL rewrites the file header of a database we must not touch.
    this.refuseNewerSchema();
    retryWhileBusy(() => this.db.pragma("journal_mode = WAL"));
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("synchronous = NORMAL");
    this.migrate();
  }

  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  private refuseNewerSchema(): void {
    const version = this.schemaVersion;
    if (version > MIGRATIONS.length) {
      this.db.close();
      throw new StoreError(
        `${this.file} has schema version ${version}, written by a newer Baton (this one knows up to ${MIGRATIONS.length}); ` +
          "upgrade Baton or point --db at another file. The database was not changed.",
      );
    }
  }

  /**
   * Several servers may start at once on a fresh workspace: the version is read again inside the
   * write lock, so only the first applies a migration and the others find it done.
   */
  private migrate(): void {
    if (this.schemaVersion >= MIGRATIONS.length) return;
    this.transaction(() => {
      for (let v = this.schemaVersion; v < MIGRATIONS.length; v++) {
        this.db.exec(MIGRATIONS[v] as string);
        this.db.pragma(`user_version = ${v + 1}`);
      }
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** False once closed: whatever polls the store (live updates) stops then. */
  get isOpen(): boolean {
    return this.db.open;
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private readonly statements = new Map<string, Statement>();

  /** A prepared statement, compiled once per store: preparing costs more than running most of them. */
  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * Runs `fn` in one `BEGIN IMMEDIATE` transaction: all of it commits or none does. A call inside
   * another transaction joins it. (better-sqlite3's own wrapper prepares its statements on every
   * call, which costs more than most transactions here.)
   */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.sql("BEGIN IMMEDIATE").run();
    try {
      const result = fn();
      this.sql("COMMIT").run();
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.sql("ROLLBACK").run();
      throw error;
    }
  }

  // --- workflows and runs ---------------------------------------------------------------------

  saveWorkflow(hash: string, name: string, file: string, snapshot: string): void {
    this.db
      .prepare(
        "INSERT INTO workflows (hash, name, file, snapshot, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING",
      )
      .run(hash, name, file, snapshot, this.stamp());
  }

  getWorkflowSnapshot(hash: string): { name: string; file: string; snapshot: string } | undefined {
    return this.sql("SELECT name, file, snapshot FROM workflows WHERE hash = ?").get(hash) as
      | { name: string; file: string; snapshot: string }
      | undefined;
  }

  /** A new run with the next free id `<workflow>-<n>`. */
  createRun(workflow: string, workflowHash: string, inputs: Record<string, string>): RunRecord {
    return this.transaction(() => {
      const rows = this.sql("SELECT id FROM runs WHERE workflow = ?").all(workflow) as {
        id: string;
      }[];
      const taken = rows.map((r) => Number(r.id.slice(workflow.length + 1))).filter(Number.isFinite);
      const id = `${workflow}-${Math.max(0, ...taken) + 1}`;
      this.db
        .prepare(
          "INSERT INTO runs (id, workflow, workflow_hash, inputs, status, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(id, workflow, workflowHash, json(inputs), "active", this.stamp());
      return this.getRun(id) as RunRecord;
    });
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.sql("SELECT * FROM runs WHERE id = ?").get(id) as Row | undefined;
    return row && toRun(row);
  }

  listRuns(): RunRecord[] {
    return (this.sql("SELECT * FROM runs ORDER BY created_at, id").all() as Row[]).map(toRun);
  }

  setRunStatus(id: string, status: RunStatus): void {
    this.sql("UPDATE runs SET status = ? WHERE id = ?").run(status, id);
  }

  // --- iterations -----------------------------------------------------------------------------

  insertIteration(it: NewIteration): void {
    const at = this.stamp();
    this.db
      .prepare(
        `INSERT INTO iterations (id, run_id, seq, name, path, state, forced, targets_override, scope_baseline, isolation_branch, isolation_commit, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'materialized', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        it.id,
        it.run_id,
        it.seq,
        it.name,
        it.path,
        it.forced ? 1 : 0,
        it.targets_override === null ? null : json(it.targets_override),
        json(it.scope_baseline),
        it.isolation_branch,
        it.isolation_commit,
        at,
        at,
      );
  }

  getIteration(id: string): IterationRecord | undefined {
    const row = this.sql("SELECT * FROM iterations WHERE id = ?").get(id) as Row | undefined;
    return row && toIteration(row);
  }

  findIterationByPath(relativePath: string): IterationRecord | undefined {
    const row = this.sql("SELECT * FROM iterations WHERE path = ?").get(relativePath) as Row | undefined;
    return row && toIteration(row);
  }

  listIterations(runId?: string): IterationRecord[] {
    const rows = runId
      ? this.sql("SELECT * FROM iterations WHERE run_id = ? ORDER BY seq").all(runId)
      : this.sql("SELECT * FROM iterations ORDER BY run_id, seq").all();
    return (rows as Row[]).map(toIteration);
  }

  setIterationState(id: string, state: IterationState): void {
    this.db
      .prepare("UPDATE iterations SET state = ?, updated_at = ? WHERE id = ?")
      .run(state, this.stamp(), id);
  }

  // --- assignments ----------------------------------------------------------------------------

  /**
   * Replaces an iteration's assignments with a freshly generated set, in one transaction.
   * Refuses when any assignment has left `pending`: regenerating would discard an agent's work.
   */
  replaceAssignments(iterationId: string, assignments: readonly NewAssignment[]): void {
    this.transaction(() => {
      const started = this.db
        .prepare(
          "SELECT local_id, state, attempts FROM assignments WHERE iteration_id = ? AND (state <> 'pending' OR attempts > 0)",
        )
        .all(iterationId) as { local_id: string; state: string; attempts: number }[];
      if (started.length > 0) {
        throw new StoreError(
          `iteration ${iterationId} has assignments in progress (${started.map((s) => `${s.local_id}: ${s.state}${s.attempts > 0 ? `, ${s.attempts} attempt(s)` : ""}`).join(", ")}); ` +
            "prompts can only be regenerated before any assignment was claimed or validated",
        );
      }
      this.sql("DELETE FROM assignments WHERE iteration_id = ?").run(iterationId);
      const insert = this.sql(
        `INSERT INTO assignments (id, iteration_id, local_id, role, targets, deliverables, estimate, risk, prompt_path, state, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
      );
      const insertDeliverable = this.sql("INSERT INTO deliverables (assignment_id, path) VALUES (?, ?)");
      const at = this.stamp();
      for (const a of assignments) {
        insert.run(
          a.id,
          a.iteration_id,
          a.local_id,
          a.role,
          json(a.targets),
          json(a.deliverables),
          json(a.estimate),
          json(a.risk),
          a.prompt_path,
          at,
        );
        for (const file of a.deliverables) insertDeliverable.run(a.id, file);
      }
      this.db
        .prepare("UPDATE iterations SET state = 'generated', updated_at = ? WHERE id = ?")
        .run(at, iterationId);
    });
  }

  getAssignment(id: string): AssignmentRecord | undefined {
    const row = this.sql("SELECT * FROM assignments WHERE id = ?").get(id) as Row | undefined;
    return row && toAssignment(row);
  }

  listAssignments(iterationId: string): AssignmentRecord[] {
    return (
      this.db
        .prepare("SELECT * FROM assignments WHERE iteration_id = ? ORDER BY local_id")
        .all(iterationId) as Row[]
    ).map(toAssignment);
  }

  listRunAssignments(runId: string, offset: number, limit: number): AssignmentRecord[] {
    return (
      this.sql(
        `SELECT a.* FROM iterations i JOIN assignments a ON a.iteration_id = i.id
         WHERE i.run_id = ? ORDER BY i.seq, a.local_id LIMIT ? OFFSET ?`,
      ).all(runId, limit, offset) as Row[]
    ).map(toAssignment);
  }

  countRunAssignments(runId: string): number {
    return first(
      this.sql(
        "SELECT COUNT(*) FROM iterations i JOIN assignments a ON a.iteration_id = i.id WHERE i.run_id = ?",
      )
        .raw()
        .get(runId),
    ) as number;
  }

  /**
   * What monitoring needs of an iteration's assignments and their last observed deliverables, in
   * one query and without decoding JSON columns: status calls on large runs come here every time.
   */
  listAssignmentProgress(iterationId: string, pendingIds?: readonly string[]): AssignmentProgressRow[] {
    const columns = `SELECT a.id, a.local_id, a.role, a.state, a.agent, a.attempts, a.claimed_at,
                            d.path, d.size, d.mtime_ms, d.last_change_at
                     FROM assignments a LEFT JOIN deliverables d ON d.assignment_id = a.id`;
    const rows = (
      pendingIds === undefined
        ? this.sql(`${columns} WHERE a.iteration_id = ? ORDER BY a.local_id, d.rowid`).raw().all(iterationId)
        : // Rows by index: the other states' ranges of (iteration_id, state, local_id), and the
          // pending ones asked for by id (`+` keeps SQLite from scanning every pending row instead).
          this.sql(
            `${columns} WHERE a.rowid IN (
               SELECT rowid FROM assignments WHERE iteration_id = ? AND state IN (${NOT_PENDING})
               UNION ALL
               SELECT rowid FROM assignments WHERE id IN (SELECT value FROM json_each(?))
                 AND +iteration_id = ? AND +state = 'pending')
             ORDER BY a.local_id, d.rowid`,
          )
            .raw()
            .all(iterationId, JSON.stringify(pendingIds), iterationId)
    ) as unknown[][];
    const out: AssignmentProgressRow[] = [];
    let current: AssignmentProgressRow | undefined;
    for (const [id, local_id, role, state, agent, attempts, claimed_at, file, size, mtime, changed] of rows) {
      let row: AssignmentProgressRow;
      if (current !== undefined && current.id === id) {
        row = current;
      } else {
        row = {
          id: id as string,
          local_id: local_id as string,
          role: role as string,
          state: state as AssignmentState,
          agent: agent as string | null,
          attempts: attempts as number,
          claimed_at: claimed_at as string | null,
          deliverables: [],
          observed: [],
        };
        out.push(row);
        current = row;
      }
      if (file == null) continue;
      row.deliverables.push(file as string);
      row.observed.push({
        size: size as number,
        mtime_ms: mtime as number | null,
        last_change_at: changed as string | null,
      });
    }
    return out;
  }

  setAssignmentState(id: string, state: AssignmentState, extra: { attempts?: number } = {}): void {
    this.db
      .prepare(
        "UPDATE assignments SET state = ?, attempts = COALESCE(?, attempts), updated_at = ? WHERE id = ?",
      )
      .run(state, extra.attempts ?? null, this.stamp(), id);
  }

  // --- dispatch (claims and leases) -----------------------------------------------------------

  /**
   * Atomically gives the next pending assignment of a ready iteration to `agent`, first returning
   * expired leases to pending. `BEGIN IMMEDIATE` makes the read and the update one step for every
   * process sharing the database, so no assignment is claimed twice.
   */
  claimNext(filter: { agent: string; role?: string; iteration_id?: string; leaseMs: number }): {
    claimed?: AssignmentRecord;
    expired: AssignmentRecord[];
  } {
    return this.transaction(() => {
      const now = this.stamp();
      const expired = (
        this.sql("SELECT * FROM assignments WHERE state = 'claimed' AND lease_expires_at < ?").all(
          now,
        ) as Row[]
      ).map(toAssignment);
      const release = this.sql(
        "UPDATE assignments SET state = 'pending', agent = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ?",
      );
      for (const a of expired) release.run(now, a.id);
      // Iterations first (few rows), then one index range per iteration: sorting every pending
      // assignment of every run to take the first would cost a scan of all of them per claim.
      const iterations = this.sql(
        `SELECT i.id FROM iterations i JOIN runs r ON r.id = i.run_id
         WHERE i.state IN ('generated', 'failed') AND r.status = 'active' AND (? IS NULL OR i.id = ?)
         ORDER BY i.created_at, i.seq`,
      )
        .raw()
        .all(filter.iteration_id ?? null, filter.iteration_id ?? null)
        .map(first) as string[];
      const next = this.sql(
        `SELECT id FROM assignments WHERE iteration_id = ? AND state = 'pending' AND (? IS NULL OR role = ?)
         ORDER BY local_id LIMIT 1`,
      ).raw();
      let id: string | undefined;
      for (const iteration of iterations) {
        id = first(next.get(iteration, filter.role ?? null, filter.role ?? null)) as string | undefined;
        if (id !== undefined) break;
      }
      if (id === undefined) return { expired };
      const lease = new Date(this.now().getTime() + filter.leaseMs).toISOString();
      this.sql(
        `UPDATE assignments SET state = 'claimed', agent = ?, lease_expires_at = ?, claimed_at = ?, updated_at = ?
         WHERE id = ? AND state = 'pending'`,
      ).run(filter.agent, lease, now, now, id);
      return { claimed: this.getAssignment(id), expired };
    });
  }

  /** An assignment of an iteration by its id or its local id (`developer-01`): one index lookup. */
  findIterationAssignment(iterationId: string, id: string): AssignmentRecord | undefined {
    const row = (this.sql("SELECT * FROM assignments WHERE id = ? AND iteration_id = ?").get(
      id,
      iterationId,
    ) ??
      this.sql("SELECT * FROM assignments WHERE iteration_id = ? AND local_id = ?").get(iterationId, id)) as
      | Row
      | undefined;
    return row && toAssignment(row);
  }

  stateCounts(iterationId: string): { state: AssignmentState; count: number }[] {
    return this.sql(
      `SELECT state, COUNT(*) AS count FROM assignments WHERE iteration_id = ?
       GROUP BY state ORDER BY MIN(local_id)`,
    ).all(iterationId) as { state: AssignmentState; count: number }[];
  }

  deliverablePaths(idPrefix: string): string[] {
    // A range of the primary key (assignment_id, path), which holds the paths: no table row read;
    // one string for them all (no path holds a NUL) costs half of 10,000 rows of one column.
    const joined = first(
      this.sql(
        "SELECT group_concat(path, char(0)) FROM deliverables WHERE assignment_id >= ? AND assignment_id < ?",
      )
        .raw()
        .get(...prefixRange(idPrefix)),
    ) as string | null;
    return joined === null ? [] : joined.split("\0");
  }

  observedOrAmong(idPrefix: string, paths: readonly string[]): string[] {
    return this.sql(
      `SELECT DISTINCT assignment_id FROM deliverables WHERE assignment_id >= ? AND assignment_id < ?
         AND (size <> 0 OR mtime_ms IS NOT NULL OR last_change_at IS NOT NULL
              OR path IN (SELECT value FROM json_each(?)))`,
    )
      .raw()
      .all(...prefixRange(idPrefix), JSON.stringify(paths))
      .map(first) as string[];
  }

  /** The first `limit` local ids of an iteration's assignments in the given states. */
  assignmentIdsIn(iterationId: string, states: readonly AssignmentState[], limit: number): string[] {
    return this.sql(
      `SELECT local_id FROM assignments WHERE iteration_id = ? AND ${IN_STATES} ORDER BY local_id LIMIT ?`,
    )
      .raw()
      .all(iterationId, ...stateFlags(states), limit)
      .map(first) as string[];
  }

  /** How many of an iteration's assignments are in the given states, counting no further than `cap`. */
  countAssignmentsIn(iterationId: string, states: readonly AssignmentState[], cap: number): number {
    return first(
      this.sql(
        `SELECT COUNT(*) FROM (SELECT 1 FROM assignments WHERE iteration_id = ? AND ${IN_STATES} LIMIT ?)`,
      )
        .raw()
        .get(iterationId, ...stateFlags(states), cap),
    ) as number;
  }

  /** Extends a claimed assignment's lease; any call about the assignment renews it. */
  renewLease(id: string, leaseMs: number): void {
    this.db
      .prepare(
        "UPDATE assignments SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND state = 'claimed'",
      )
      .run(new Date(this.now().getTime() + leaseMs).toISOString(), this.stamp(), id);
  }

  /**
   * Marks an assignment submitted (from claimed, pending or an earlier submission), recording the
   * agent's token count. False when it has already passed or failed: nothing changed.
   */
  markSubmitted(id: string, tokensUsed: number | undefined): boolean {
    const at = this.stamp();
    return (
      this.sql(
        `UPDATE assignments SET state = 'submitted', submitted_at = ?, tokens_used = COALESCE(?, tokens_used), updated_at = ?
         WHERE id = ? AND state IN ('pending', 'claimed', 'submitted')`,
      ).run(at, tokensUsed ?? null, at, id).changes > 0
    );
  }

  setTokensUsed(id: string, tokensUsed: number): void {
    this.sql("UPDATE assignments SET tokens_used = ?, updated_at = ? WHERE id = ?").run(
      tokensUsed,
      this.stamp(),
      id,
    );
  }

  /** Returns a claimed assignment to pending (a stalled or stopped agent); its attempts are kept. */
  release(id: string): void {
    this.db
      .prepare(
        "UPDATE assignments SET state = 'pending', agent = NULL, lease_expires_at = NULL, updated_at = ? WHERE id = ? AND state = 'claimed'",
      )
      .run(this.stamp(), id);
  }

  /**
   * Moves an assignment on from the state and attempts a validation saw, in one guarded UPDATE:
   * false (nothing changed) when another process moved it meanwhile. Settling to `claimed` keeps
   * the holder with a fresh lease, so a failed submission goes back to its agent without ever
   * passing through `pending`, where another process could claim it.
   */
  settleAssignment(
    id: string,
    from: Pick<AssignmentRecord, "state" | "attempts">,
    to: { state: AssignmentState; attempts: number; leaseMs?: number },
  ): boolean {
    const lease =
      to.state === "claimed" ? new Date(this.now().getTime() + (to.leaseMs ?? 0)).toISOString() : null;
    return (
      this.sql(
        `UPDATE assignments SET state = ?, attempts = ?, lease_expires_at = ?, updated_at = ?
         WHERE id = ? AND state = ? AND attempts = ?`,
      ).run(to.state, to.attempts, lease, this.stamp(), id, from.state, from.attempts).changes > 0
    );
  }

  // --- deliverables (monitoring) --------------------------------------------------------------

  /** Records a new observation of a deliverable; `last_change_at` moves only when it changed. */
  recordDeliverable(assignmentId: string, file: string, size: number, mtimeMs: number | null): void {
    this.sql(
      `UPDATE deliverables SET size = ?, mtime_ms = ?, last_change_at = ?
         WHERE assignment_id = ? AND path = ? AND (size <> ? OR mtime_ms IS NOT ?)`,
    ).run(size, mtimeMs, this.stamp(), assignmentId, file, size, mtimeMs);
  }

  addBaselines(iterationId: string, baselines: readonly DeliverableBaseline[]): void {
    if (baselines.length === 0) return;
    this.transaction(() => {
      const insert = this.sql(
        "INSERT OR IGNORE INTO deliverable_baselines (iteration_id, path, hash, mtime_ms) VALUES (?, ?, ?, ?)",
      );
      for (const b of baselines) insert.run(iterationId, b.path, b.hash, b.mtime_ms);
    });
  }

  baselines(iterationId: string): Map<string, DeliverableBaseline> {
    const rows = this.sql(
      "SELECT path, hash, mtime_ms FROM deliverable_baselines WHERE iteration_id = ?",
    ).all(iterationId) as DeliverableBaseline[];
    return new Map(rows.map((r) => [r.path, r]));
  }

  unclaim(id: string): void {
    this.sql(
      "UPDATE assignments SET state = 'pending', agent = NULL, lease_expires_at = NULL, claimed_at = NULL, updated_at = ? WHERE id = ? AND state = 'claimed'",
    ).run(this.stamp(), id);
  }

  /** Sizes of deliverables whose assignments passed, in earlier iterations of a workflow's runs. */
  passedDeliverableSizes(workflow: string): { path: string; size: number; iteration: string }[] {
    return this.db
      .prepare(
        `SELECT d.path, d.size, i.name AS iteration FROM deliverables d
         JOIN assignments a ON a.id = d.assignment_id JOIN iterations i ON i.id = a.iteration_id
         JOIN runs r ON r.id = i.run_id
         WHERE r.workflow = ? AND a.state = 'passed' AND d.size > 0`,
      )
      .all(workflow) as { path: string; size: number; iteration: string }[];
  }

  /**
   * A role's record in earlier iterations of a workflow: how many assignments failed, and how many
   * overran — used more tokens than the role's budget (not merely more than the estimate, which a
   * run within budget often does).
   */
  roleHistory(
    workflow: string,
    role: string,
    excludeIteration: string,
    budget: number,
  ): { assignments: number; failed: number; overruns: number } {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS assignments,
                SUM(a.state = 'failed' OR a.attempts > 0) AS failed,
                SUM(a.tokens_used IS NOT NULL AND a.tokens_used > ?) AS overruns
         FROM assignments a JOIN iterations i ON i.id = a.iteration_id JOIN runs r ON r.id = i.run_id
         WHERE r.workflow = ? AND a.role = ? AND a.iteration_id <> ?`,
      )
      .get(budget, workflow, role, excludeIteration) as {
      assignments: number;
      failed: number | null;
      overruns: number | null;
    };
    return { assignments: row.assignments, failed: row.failed ?? 0, overruns: row.overruns ?? 0 };
  }

  // --- output samples -------------------------------------------------------------------------

  recordOutputSamples(iterationId: string, samples: readonly OutputSample[]): void {
    this.transaction(() => {
      this.sql("DELETE FROM output_samples WHERE iteration_id = ?").run(iterationId);
      const insert = this.sql(
        `INSERT OR REPLACE INTO output_samples (iteration_id, workflow, iteration, role, assignment_id, target,
           target_tokens, deliverable, tokens, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const at = this.stamp();
      for (const s of samples)
        insert.run(
          iterationId,
          s.workflow,
          s.iteration,
          s.role,
          s.assignment_id,
          s.target,
          s.target_tokens,
          s.deliverable,
          s.tokens,
          at,
        );
    });
  }

  outputSamples(
    workflow: string,
    iteration: string,
    role: string,
    excludeIteration: string,
    limit: number,
  ): OutputSample[] {
    return this.sql(
      `SELECT workflow, iteration, role, assignment_id, target, target_tokens, deliverable, tokens
       FROM output_samples WHERE workflow = ? AND iteration = ? AND role = ? AND iteration_id <> ?
       ORDER BY recorded_at DESC, rowid DESC LIMIT ?`,
    ).all(workflow, iteration, role, excludeIteration, limit) as OutputSample[];
  }

  // --- validations ----------------------------------------------------------------------------

  addValidation(iterationId: string, assignmentId: string | null, passed: boolean, report: unknown): number {
    const result = this.db
      .prepare(
        "INSERT INTO validations (iteration_id, assignment_id, passed, report, created_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run(iterationId, assignmentId, passed ? 1 : 0, json(report), this.stamp());
    return Number(result.lastInsertRowid);
  }

  latestValidation(iterationId: string): ValidationRecord | undefined {
    const row = this.db
      .prepare(
        "SELECT * FROM validations WHERE iteration_id = ? AND assignment_id IS NULL ORDER BY id DESC LIMIT 1",
      )
      .get(iterationId) as Row | undefined;
    return (
      row && { ...(row as unknown as ValidationRecord), passed: row.passed === 1, report: parse(row.report) }
    );
  }

  // --- feedback and learnings ---------------------------------------------------------------

  addFeedback(entry: Omit<FeedbackRecord, "id" | "created_at">): number {
    const result = this.db
      .prepare(
        `INSERT INTO feedback (iteration_id, assignment_id, role, category, severity, message, tokens_used, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.iteration_id,
        entry.assignment_id,
        entry.role,
        entry.category,
        entry.severity,
        entry.message,
        entry.tokens_used,
        this.stamp(),
      );
    if (entry.assignment_id && entry.tokens_used != null) {
      this.db
        .prepare("UPDATE assignments SET tokens_used = ?, updated_at = ? WHERE id = ?")
        .run(entry.tokens_used, this.stamp(), entry.assignment_id);
    }
    return Number(result.lastInsertRowid);
  }

  /** Every feedback record of a workflow's runs, oldest first. */
  listFeedback(workflow: string, iterationId?: string): FeedbackRecord[] {
    return this.db
      .prepare(
        `SELECT f.* FROM feedback f JOIN iterations i ON i.id = f.iteration_id JOIN runs r ON r.id = i.run_id
         WHERE r.workflow = ? AND (? IS NULL OR f.iteration_id = ?) ORDER BY f.id`,
      )
      .all(workflow, iterationId ?? null, iterationId ?? null) as FeedbackRecord[];
  }

  /**
   * What synthesis needs of every assignment of a workflow's runs: id, role, iteration name,
   * deliverables and how many targets. Only the deliverables column is decoded.
   */
  listWorkflowAssignmentFacts(workflow: string): AssignmentFacts[] {
    const rows = this.sql(
      `SELECT a.id, a.role, i.name, a.deliverables, json_array_length(a.targets)
       FROM assignments a JOIN iterations i ON i.id = a.iteration_id
       JOIN runs r ON r.id = i.run_id WHERE r.workflow = ? ORDER BY a.id`,
    )
      .raw()
      .all(workflow) as [string, string, string, string, number][];
    return rows.map(([id, role, iteration, deliverables, targets]) => ({
      id,
      role,
      iteration,
      deliverables: parse<string[]>(deliverables),
      targets,
    }));
  }

  /**
   * The structured misses of a workflow's validations, oldest first: SQLite extracts them, so the
   * rest of each stored report (outcomes, failures, counts) is never decoded for synthesis.
   */
  listValidationMisses(workflow: string): unknown[] {
    const rows = this.sql(
      `SELECT json_extract(v.report, '$.misses') FROM validations v JOIN iterations i ON i.id = v.iteration_id
       JOIN runs r ON r.id = i.run_id WHERE r.workflow = ? AND json_extract(v.report, '$.misses[0]') IS NOT NULL
       ORDER BY v.id`,
    )
      .raw()
      .all(workflow)
      .map(first) as string[];
    return rows.flatMap((misses) => parse<unknown[]>(misses));
  }

  /**
   * Token usage against estimates per role, summed in SQL over the assignments that reported
   * usage, with the first `sample` of their ids (in id order) as evidence.
   */
  tokenUsageByRole(
    workflow: string,
    sample: number,
  ): { role: string; count: number; estimated: number; actual: number; assignments: string[] }[] {
    const from = `FROM assignments a JOIN iterations i ON i.id = a.iteration_id JOIN runs r ON r.id = i.run_id
       WHERE r.workflow = ? AND a.tokens_used IS NOT NULL`;
    const rows = this.sql(
      `SELECT a.role, COUNT(*) AS count,
              SUM(json_extract(a.estimate, '$.output_tokens')) AS estimated,
              SUM(MAX(0, a.tokens_used - json_extract(a.estimate, '$.prompt_tokens') - json_extract(a.estimate, '$.input_tokens'))) AS actual
       ${from} GROUP BY a.role ORDER BY a.role`,
    ).all(workflow) as { role: string; count: number; estimated: number; actual: number }[];
    const ids = this.sql(`SELECT a.id ${from} AND a.role = ? ORDER BY a.id LIMIT ?`).raw();
    return rows.map((r) => ({ ...r, assignments: ids.all(workflow, r.role, sample).map(first) as string[] }));
  }

  /** What Baton last wrote for each learning of a workflow, to tell a person's edit from its own. */
  learningsWritten(workflow: string): Map<string, string> {
    const rows = this.sql("SELECT id, data FROM learnings WHERE workflow = ?").all(workflow) as {
      id: string;
      data: string;
    }[];
    return new Map(rows.map((r) => [r.id, r.data]));
  }

  saveLearningsWritten(workflow: string, written: ReadonlyMap<string, string>): void {
    this.transaction(() => {
      const at = this.stamp();
      const upsert = this.sql(
        `INSERT INTO learnings (id, workflow, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (workflow, id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      );
      for (const [id, data] of written) upsert.run(id, workflow, data, at, at);
    });
  }

  // --- events ---------------------------------------------------------------------------------

  /** Appends to the event log; never updated or deleted. */
  addEvent(
    kind: string,
    refs: { run_id?: string; iteration_id?: string; assignment_id?: string },
    data: Record<string, unknown> = {},
  ): void {
    this.db
      .prepare(
        "INSERT INTO events (at, kind, run_id, iteration_id, assignment_id, data) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(
        this.stamp(),
        kind,
        refs.run_id ?? null,
        refs.iteration_id ?? null,
        refs.assignment_id ?? null,
        json(data),
      );
  }

  listEvents(filter: { run_id?: string; after_id?: number } = {}): EventRecord[] {
    const rows = this.db
      .prepare("SELECT * FROM events WHERE (? IS NULL OR run_id = ?) AND id > ? ORDER BY id")
      .all(filter.run_id ?? null, filter.run_id ?? null, filter.after_id ?? 0) as Row[];
    return rows.map((row) => ({ ...(row as unknown as EventRecord), data: parse(row.data) }));
  }
}
