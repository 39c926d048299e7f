import { createRequire } from "node:module";
import { StoreError } from "./api.js";

/**
 * The SQLite driver behind the store. better-sqlite3 is the driver; it is a native module built for
 * one Node ABI, so a host that upgrades Node (or an install whose build failed) cannot load it.
 * Then, on a Node that has the built-in `node:sqlite` (≥ 22.13), the store runs on that instead:
 * same SQL, same pragmas, same `BEGIN IMMEDIATE` transactions. On a Node without it, the store
 * fails with one line that says how to rebuild.
 *
 * `BATON_SQLITE_DRIVER=better-sqlite3|node-sqlite` forces one driver and never falls back (tests
 * and CI use it to cover both drivers on one Node).
 */

export interface RunResult {
  changes: number | bigint;
  lastInsertRowid: number | bigint;
}

/** The part of a prepared statement the store uses; better-sqlite3's `Statement` has this shape. */
export interface Statement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** From now on, rows come as arrays of column values rather than objects. */
  raw(): Statement;
}

/** The part of a connection the store uses; better-sqlite3's `Database` has this shape. */
export interface Connection {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): Statement;
  exec(sql: string): unknown;
  /** `PRAGMA <source>`; with `simple`, the first column of the first row. */
  pragma(source: string, options?: { simple: boolean }): unknown;
  close(): unknown;
}

const require = createRequire(import.meta.url);

/** Why better-sqlite3 could not be loaded, in one line, without the machine's paths. */
function loadFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") return "it is not installed";
  const abi = /NODE_MODULE_VERSION (\d+)[\s\S]*?NODE_MODULE_VERSION (\d+)/.exec(message);
  if (abi)
    return `it was built for another Node.js: module version ${abi[1]}, Node ${process.versions.node} needs ${abi[2]}`;
  if (message.includes("bindings file")) return "its native module was never built";
  return "its native module cannot be loaded";
}

const REBUILD = "run `npm rebuild better-sqlite3` where Baton is installed, with the Node.js that runs Baton";

type BetterSqlite3 = new (file: string) => Connection;

/** better-sqlite3 loads its native module in the constructor, so opening is what proves it works. */
function openBetterSqlite3(file: string): Connection {
  const Database = require("better-sqlite3") as BetterSqlite3;
  return new Database(file);
}

interface NodeSqliteStatement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
  /** Node ≥ 22.16; on older releases the adapter asks SQLite by trying. */
  readonly isTransaction?: boolean;
}

type NodeSqlite = { DatabaseSync: new (file: string) => NodeSqliteDatabase };

/**
 * `node:sqlite` when this Node has it. Node 22 and 24 flag the module as experimental with a
 * warning on stderr at load; the store announces its own choice once, so that warning is held back.
 */
function loadNodeSqlite(): NodeSqlite | undefined {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (/SQLite is an experimental feature/i.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const sqlite = require("node:sqlite") as Partial<NodeSqlite>;
    return typeof sqlite.DatabaseSync === "function" ? (sqlite as NodeSqlite) : undefined;
  } catch {
    return undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
}

class NodeSqliteStatementAdapter implements Statement {
  private arrays = false;

  constructor(private readonly statement: NodeSqliteStatement) {}

  run(...params: unknown[]): RunResult {
    return this.statement.run(...params);
  }

  get(...params: unknown[]): unknown {
    const row = this.statement.get(...params);
    return this.arrays && row !== undefined ? Object.values(row as object) : row;
  }

  all(...params: unknown[]): unknown[] {
    const rows = this.statement.all(...params);
    // The store's raw queries name each column once, so an object's values are the row in order.
    return this.arrays ? rows.map((row) => Object.values(row as object)) : rows;
  }

  raw(): Statement {
    this.arrays = true;
    return this;
  }
}

class NodeSqliteConnection implements Connection {
  private closed = false;

  constructor(private readonly db: NodeSqliteDatabase) {}

  get open(): boolean {
    return !this.closed;
  }

  get inTransaction(): boolean {
    if (typeof this.db.isTransaction === "boolean") return this.db.isTransaction;
    // Older node:sqlite cannot tell: a plain BEGIN (which takes no lock) fails exactly inside a transaction.
    try {
      this.db.exec("BEGIN");
    } catch {
      return true;
    }
    this.db.exec("ROLLBACK");
    return false;
  }

  prepare(sql: string): Statement {
    return new NodeSqliteStatementAdapter(this.db.prepare(sql));
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  pragma(source: string, options?: { simple: boolean }): unknown {
    const rows = this.db.prepare(`PRAGMA ${source}`).all();
    if (!options?.simple) return rows;
    const first = rows[0];
    return first === undefined ? undefined : Object.values(first as object)[0];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

let announced = false;

/** Said once per process, on stderr: stdout is the MCP channel of `baton serve`. */
function announceFallback(reason: string): void {
  if (announced) return;
  announced = true;
  process.stderr.write(
    `baton: better-sqlite3 cannot be used (${reason}); using Node's built-in node:sqlite instead. To use better-sqlite3 again, ${REBUILD}.\n`,
  );
}

function openNodeSqlite(sqlite: NodeSqlite, file: string): Connection {
  return new NodeSqliteConnection(new sqlite.DatabaseSync(file));
}

const NODE_SQLITE_MISSING = `Node ${process.versions.node} has no node:sqlite (it needs Node 22.13 or newer)`;

/** Opens `file` (or `:memory:`) with the driver this process can use; see the module comment. */
export function openConnection(file: string): Connection {
  const forced = process.env.BATON_SQLITE_DRIVER;
  if (forced === "node-sqlite") {
    const sqlite = loadNodeSqlite();
    if (!sqlite) throw new StoreError(`BATON_SQLITE_DRIVER=node-sqlite, but ${NODE_SQLITE_MISSING}.`);
    return openNodeSqlite(sqlite, file);
  }
  if (forced !== undefined && forced !== "" && forced !== "better-sqlite3")
    throw new StoreError(
      `BATON_SQLITE_DRIVER=${forced} is not a driver; use better-sqlite3 or node-sqlite, or leave it unset.`,
    );
  let reason: string;
  try {
    return openBetterSqlite3(file);
  } catch (error) {
    if (!isLoadError(error)) throw error;
    reason = loadFailure(error);
  }
  const sqlite = forced === "better-sqlite3" ? undefined : loadNodeSqlite();
  if (!sqlite)
    throw new StoreError(
      `cannot open the database: better-sqlite3 cannot be used (${reason}) and ${
        forced === "better-sqlite3"
          ? "BATON_SQLITE_DRIVER=better-sqlite3 allows no other driver"
          : NODE_SQLITE_MISSING
      }. To fix it, ${REBUILD}.`,
    );
  announceFallback(reason);
  return openNodeSqlite(sqlite, file);
}

/** A failure to load the module itself, as opposed to an error about the database file. */
function isLoadError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND" || code === "ERR_DLOPEN_FAILED")
    return true;
  const message = error instanceof Error ? error.message : "";
  return /NODE_MODULE_VERSION|Could not locate the bindings file|invalid ELF header|cannot open shared object/.test(
    message,
  );
}

function isBusy(error: unknown): boolean {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  return code === "SQLITE_BUSY" || (typeof errcode === "number" && (errcode & 0xff) === 5);
}

/**
 * Runs `fn` again while SQLite answers "busy", for up to `timeoutMs`. For the few statements that
 * SQLite does not let the busy timeout wait for: switching a fresh database to WAL while another
 * process opens it fails at once instead of waiting.
 */
export function retryWhileBusy<T>(fn: () => T, timeoutMs = 5000): T {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return fn();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      // A synchronous pause: the store's API is synchronous, and spinning would starve the holder on small machines.
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
