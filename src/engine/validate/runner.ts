import { hasSyntaxCheck, syntaxCheck } from "../code/syntax-check.js";
import { FileCache } from "./files.js";
import { formatCheck, formatOf } from "./implicit.js";
import { CHECK_KINDS, kindNamed } from "./kinds/index.js";
import type { CheckKindDef, FileEnv, FileKind, Params, Pending, WorkspaceKind } from "./kinds/kind.js";
import { loadMarkdownParser } from "./markdown-tree.js";
import { REGEX_TIMEOUT_MS, type RegexJob, runRegexJobs } from "./regex.js";
import type { CheckContext, CheckResult, Outcome } from "./results.js";
import { DEFAULT_MIN_BYTES, existsCheck, minBytesCheck, NO_FILE } from "./size.js";
import { pastDeadline, Slicer } from "./slices.js";
import type { ConcreteCheck } from "./types.js";

/** Regex jobs per guarded batch, and the text they may hold in memory together. */
const REGEX_BATCH = 2000;
const REGEX_BATCH_CHARS = 16 * 1024 * 1024;

/** The file a check looks at: its expanded deliverable, or its `path`. */
function fileOf(check: ConcreteCheck): string | undefined {
  return check.file ?? check.path;
}

/** Kinds whose libraries are loaded: a validation calls runChecks once per assignment. */
const loaded = new Set<CheckKindDef>();

/**
 * Loads the libraries the kinds of these checks need (ajv, markdownlint, the Markdown parser), once;
 * nothing to wait for (undefined) when they are loaded already.
 */
function loadLibraries(checks: readonly ConcreteCheck[]): Promise<void> | undefined {
  const kinds = new Set<CheckKindDef>();
  for (const check of checks) {
    const kind = kindNamed(check.check);
    if (kind?.load && !loaded.has(kind)) kinds.add(kind);
  }
  if (kinds.size === 0) return undefined;
  return Promise.all(
    [...kinds].map(async (kind) => {
      await kind.load?.();
      loaded.add(kind);
    }),
  ).then(() => undefined);
}

/**
 * Runs the implicit checks of each deliverable (exists, at least 200 bytes — 1 for code — unless
 * an explicit `min_bytes` on the file replaces it, format by extension, syntax of code by extension), then the explicit checks, file by
 * file. Each file is read once, and let go once its checks ran. A missing deliverable fails once,
 * on exists; the explicit checks on it are not run, so a rework prompt names the real problem
 * rather than its consequences. An explicit check on a missing file that is not a deliverable
 * fails with "file does not exist". Regex checks run in guarded batches under a time limit;
 * `scope` and `command` run last, one at a time. Results come in a stable order: per deliverable
 * its implicit then its own checks, then the other checks in the order given.
 */
export async function runChecks(
  checks: readonly ConcreteCheck[],
  deliverables: readonly string[],
  ctx: CheckContext,
): Promise<CheckResult[]> {
  const loading = loadLibraries(checks);
  if (loading) await loading;
  return new Run(ctx).run(checks, deliverables);
}

/** Whether `runChecks` found at least one of the deliverables (its implicit exists check passed). */
export function foundAnyDeliverable(results: readonly CheckResult[]): boolean {
  return results.some((r) => r.check === "implicit:exists" && r.status === "passed");
}

class Run {
  private readonly files: FileCache;
  private readonly results: CheckResult[] = [];
  private readonly regexJobs: {
    slot: number;
    check: ConcreteCheck;
    file: string;
    job: RegexJob;
    finish: (outcome: boolean | "timeout") => CheckResult;
  }[] = [];
  /** The file check being evaluated, whose regex test `later` queues. */
  private evaluating: { check: ConcreteCheck; file: string } | undefined;
  private pendingChars = 0;
  private readonly workspaceWide: { slot: number; check: ConcreteCheck; kind: WorkspaceKind }[] = [];
  private readonly workspaceKeys = new Set<string>();
  private readonly env: FileEnv;
  private readonly slicer: Slicer;

  constructor(private readonly ctx: CheckContext) {
    // Deliverables are read where the assignment wrote them (its worktree under isolation).
    this.files = ctx.workdir ? new FileCache(ctx.workdir) : new FileCache(ctx.workspace, ctx.readAhead);
    this.slicer = new Slicer(ctx.contentBudget);
    const memo = new Map<string, unknown>();
    this.env = {
      files: this.files,
      regexTimeoutMs: ctx.regexTimeoutMs ?? REGEX_TIMEOUT_MS,
      deadline: this.slicer.deadline,
      memo: <T>(key: string, compute: () => T): T => {
        if (!memo.has(key)) memo.set(key, compute());
        return memo.get(key) as T;
      },
      later: (regex, text, finish) => this.later(regex, text, finish),
    };
  }

  async run(checks: readonly ConcreteCheck[], deliverables: readonly string[]): Promise<CheckResult[]> {
    const unique = [...new Set(deliverables)];
    const declared = new Set(unique);
    const own = new Map<string, ConcreteCheck[]>();
    const other: ConcreteCheck[] = [];
    const explicitMin = new Set<string>();
    for (const check of checks) {
      const file = fileOf(check);
      if (file !== undefined && check.check === "min_bytes") explicitMin.add(file);
      if (file !== undefined && declared.has(file)) {
        const list = own.get(file);
        if (list) list.push(check);
        else own.set(file, [check]);
      } else other.push(check);
    }

    for (const file of unique) {
      const mine = own.get(file) ?? [];
      if (this.slicer.due) await this.slicer.pause();
      if (this.slicer.expired) {
        // Out of time: the file's checks fail with the reason, unread (a missing file still says so).
        const facts = this.files.get(file, false);
        const exists = existsCheck("implicit:exists", facts);
        this.results.push(exists);
        if (exists.status === "passed") {
          if (formatOf(file) !== undefined)
            this.results.push(pastDeadline("implicit:format", file, this.slicer.budgetMs));
          for (const check of mine) this.results.push(resultOf(check, file, this.slicer.timedOut()));
        }
        continue;
      }
      const code = hasSyntaxCheck(file);
      // The implicit minimum size measures content, so it reads the file too.
      const wantContent =
        !explicitMin.has(file) || formatOf(file) !== undefined || code || mine.some((c) => needsContent(c));
      const facts = this.files.get(file, wantContent);
      const exists = existsCheck("implicit:exists", facts);
      this.results.push(exists);
      if (exists.status === "failed") continue;
      // Code is judged by its syntax and its tests, not its size: a right module may be one line.
      if (!explicitMin.has(file))
        this.results.push(minBytesCheck("implicit:min_bytes", facts, code ? 1 : DEFAULT_MIN_BYTES));
      let format = formatCheck(facts);
      if (format === "needs-parser") {
        await loadMarkdownParser();
        format = formatCheck(facts);
      }
      if (format && format !== "needs-parser") this.results.push(format);
      if (code) {
        // The parsers (oxc, tree-sitter) load with the first code file (syntax.ts), not at start-up.
        const syntax = await syntaxCheck(facts);
        if (syntax) this.results.push(syntax);
      }
      for (const check of mine) {
        const wait = this.explicit(check);
        if (wait) await wait;
      }
      facts.release();
    }
    for (const check of other) {
      const wait = this.explicit(check);
      if (wait) await wait;
    }
    await this.flushRegex();

    for (const { slot, check, kind } of this.workspaceWide) {
      this.results[slot] = resultOf(check, undefined, await kind.evaluate(params(check, kind), this.ctx));
    }
    return this.results;
  }

  /**
   * Runs a check now, or queues it (a regex test, a workspace-wide check) in its place in the
   * results. Returns a promise only when there is something to wait for (a turn of the event loop
   * before a content check, a full regex batch): most checks of a large run complete synchronously.
   */
  private explicit(check: ConcreteCheck): Promise<void> | undefined {
    const kind = kindNamed(check.check);
    if (kind?.target === "file" && kind.content && fileOf(check) !== undefined && this.slicer.due)
      return this.slicer.pause().then(() => this.evaluate(check, kind));
    return this.evaluate(check, kind);
  }

  private evaluate(check: ConcreteCheck, kind: CheckKindDef | undefined): Promise<void> | undefined {
    if (!kind) {
      this.results.push(
        resultOf(check, undefined, {
          status: "failed",
          reason: `check kind \`${check.check}\` is unknown to this version of Baton; known kinds: ${CHECK_KINDS.join(", ")}`,
        }),
      );
      return;
    }
    if (kind.target === "workspace") {
      // Scoped by a deliverable pattern, a workspace check may reach one assignment through
      // several of its files; it runs once for it.
      const { file: _file, ...params } = check;
      const key = JSON.stringify(params);
      if (this.workspaceKeys.has(key)) return;
      this.workspaceKeys.add(key);
      this.workspaceWide.push({ slot: this.reserve(check, undefined), check, kind });
      return;
    }
    const file = fileOf(check);
    if (file === undefined) {
      this.results.push(
        resultOf(check, undefined, {
          status: "failed",
          reason: `check \`${check.check}\` names no file (\`deliverable\` matched no deliverable, and no \`path\`)`,
        }),
      );
      return;
    }
    if (kind.content && this.slicer.expired) {
      this.results.push(resultOf(check, file, this.slicer.timedOut()));
      return;
    }
    const facts = this.files.get(file, kind.content);
    const problem = kind.content ? facts.contentProblem : facts.problem;
    if (problem) {
      this.results.push(resultOf(check, file, { status: "failed", reason: problem, miss: NO_FILE }));
      return;
    }
    this.evaluating = { check, file };
    const outcome = kind.evaluate(params(check, kind), facts, this.env);
    this.evaluating = undefined;
    if (!isPending(outcome)) this.results.push(resultOf(check, file, outcome));
    else if (this.regexJobs.length >= REGEX_BATCH || this.pendingChars >= REGEX_BATCH_CHARS)
      return this.flushRegex();
    return undefined;
  }

  /**
   * Keeps a place in the results for a check that completes later. The place holds a failure until
   * then, so no check can end up without a result.
   */
  private reserve(check: ConcreteCheck, file: string | undefined): number {
    this.results.push(
      resultOf(check, file, { status: "failed", reason: `check \`${check.check}\` did not complete` }),
    );
    return this.results.length - 1;
  }

  /** `FileEnv.later`: queues a regex test of the file check being evaluated, in that check's place. */
  private later(regex: RegExp, text: string, finish: (outcome: boolean | "timeout") => Outcome): Pending {
    const current = this.evaluating;
    if (!current) throw new Error("FileEnv.later() called outside a file check's evaluation");
    const { check, file } = current;
    this.regexJobs.push({
      slot: this.reserve(check, file),
      check,
      file,
      job: { regex, text },
      finish: (o) => resultOf(check, file, finish(o)),
    });
    this.pendingChars += text.length;
    return PENDING;
  }

  /** Runs the pending regex tests in one guarded batch and fills in their results. */
  private async flushRegex(): Promise<void> {
    if (this.regexJobs.length === 0) return;
    const jobs = this.regexJobs.splice(0);
    this.pendingChars = 0;
    const outcomes = await runRegexJobs(
      jobs.map((r) => r.job),
      this.env.regexTimeoutMs,
      this.slicer.deadline,
      () => this.slicer.pause(),
    );
    jobs.forEach(({ slot, check, file, finish }, i) => {
      const outcome = outcomes[i] ?? false;
      this.results[slot] =
        outcome === "deadline" ? resultOf(check, file, this.slicer.timedOut()) : finish(outcome);
    });
  }
}

const PENDING = Object.freeze({}) as Pending;

function isPending(outcome: Outcome | Pending): outcome is Pending {
  return outcome === PENDING;
}

/** Whether the check reads its file's content (an unknown kind reads nothing: it fails unread). */
function needsContent(check: ConcreteCheck): boolean {
  const kind = kindNamed(check.check);
  return kind?.target === "file" && kind.content;
}

/** The check's parameters for its kind; the workflow schema validated them against the kind's own. */
function params<K extends FileKind | WorkspaceKind>(check: ConcreteCheck, _kind: K): Params<K["params"]> {
  return check as unknown as Params<K["params"]>;
}

/** A kind's outcome as the check's result: named by the check, on its file, with its description. */
function resultOf(check: ConcreteCheck, file: string | undefined, outcome: Outcome): CheckResult {
  const result: CheckResult = { check: check.check, status: outcome.status, reason: outcome.reason };
  if (file !== undefined) result.file = file;
  if (outcome.miss) result.miss = outcome.miss;
  if (check.description) result.description = check.description;
  return result;
}
