/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Never edit a
 * shipped migration: append a new one.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE workflows (
    hash        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    file        TEXT NOT NULL,
    snapshot    TEXT NOT NULL,
    created_at  TEXT NOT NULL
  );
  CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    workflow      TEXT NOT NULL,
    workflow_hash TEXT NOT NULL REFERENCES workflows(hash),
    inputs        TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_at    TEXT NOT NULL
  );
  CREATE TABLE iterations (
    id               TEXT PRIMARY KEY,
    run_id           TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq              INTEGER NOT NULL,
    name             TEXT NOT NULL,
    path             TEXT NOT NULL,
    state            TEXT NOT NULL,
    forced           INTEGER NOT NULL DEFAULT 0,
    targets_override TEXT,
    scope_baseline   TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (run_id, name)
  );
  CREATE TABLE assignments (
    id                TEXT PRIMARY KEY,
    iteration_id      TEXT NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
    local_id          TEXT NOT NULL,
    role              TEXT NOT NULL,
    targets           TEXT NOT NULL,
    deliverables      TEXT NOT NULL,
    estimate          TEXT NOT NULL,
    risk              TEXT NOT NULL,
    prompt_path       TEXT NOT NULL,
    state             TEXT NOT NULL,
    agent             TEXT,
    lease_expires_at  TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    tokens_used       INTEGER,
    claimed_at        TEXT,
    submitted_at      TEXT,
    updated_at        TEXT NOT NULL,
    UNIQUE (iteration_id, local_id)
  );
  CREATE INDEX assignments_by_state ON assignments(state, iteration_id);
  CREATE TABLE deliverables (
    assignment_id   TEXT NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    path            TEXT NOT NULL,
    size            INTEGER NOT NULL DEFAULT 0,
    mtime_ms        REAL,
    last_change_at  TEXT,
    PRIMARY KEY (assignment_id, path)
  );
  CREATE TABLE validations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    iteration_id   TEXT NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
    assignment_id  TEXT,
    passed         INTEGER NOT NULL,
    report         TEXT NOT NULL,
    created_at     TEXT NOT NULL
  );
  CREATE TABLE feedback (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    iteration_id   TEXT NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
    assignment_id  TEXT,
    role           TEXT,
    category       TEXT NOT NULL,
    severity       TEXT NOT NULL,
    message        TEXT NOT NULL,
    tokens_used    INTEGER,
    created_at     TEXT NOT NULL
  );
  CREATE TABLE learnings (
    id          TEXT NOT NULL,
    workflow    TEXT NOT NULL,
    data        TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (workflow, id)
  );
  CREATE TABLE events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    run_id         TEXT,
    iteration_id   TEXT,
    assignment_id  TEXT,
    data           TEXT NOT NULL
  );
  CREATE INDEX events_by_run ON events(run_id, id);
  `,
  // What each deliverable held when its iteration's assignments were made: validation tells a
  // deliverable written in this iteration from one left by an earlier run (freshness.ts).
  `
  CREATE TABLE deliverable_baselines (
    iteration_id  TEXT NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
    path          TEXT NOT NULL,
    hash          TEXT NOT NULL,
    mtime_ms      REAL NOT NULL,
    PRIMARY KEY (iteration_id, path)
  );
  `,
  // Flat per-call cost at 100k assignments (#13): the next pending assignment of an iteration, its
  // counts per state and the expired leases are index ranges, not scans of every row.
  `
  CREATE INDEX assignments_by_iteration_state ON assignments(iteration_id, state, local_id);
  CREATE INDEX assignments_by_lease ON assignments(state, lease_expires_at);
  CREATE INDEX validations_by_iteration ON validations(iteration_id, assignment_id, id);
  CREATE INDEX feedback_by_iteration ON feedback(iteration_id, id);
  `,
  // What passed deliverables held (#16.2): o200k tokens per deliverable with its target's size, so
  // the next run of the same iteration estimates output from what agents really wrote.
  `
  CREATE TABLE output_samples (
    iteration_id   TEXT NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
    workflow       TEXT NOT NULL,
    iteration      TEXT NOT NULL,
    role           TEXT NOT NULL,
    assignment_id  TEXT NOT NULL,
    target         TEXT,
    target_tokens  INTEGER,
    deliverable    TEXT NOT NULL,
    tokens         INTEGER NOT NULL,
    recorded_at    TEXT NOT NULL,
    PRIMARY KEY (iteration_id, deliverable)
  );
  CREATE INDEX output_samples_by_role ON output_samples(workflow, iteration, role, recorded_at);
  `,
  // Worktree isolation: the branch and commit an isolated iteration's worktrees start from (null: none).
  `
  ALTER TABLE iterations ADD COLUMN isolation_branch TEXT;
  ALTER TABLE iterations ADD COLUMN isolation_commit TEXT;
  `,
];
