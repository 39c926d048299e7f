import type { CheckKind } from "../../config/schema.js";
import { commandCheck } from "./command.js";
import { FileCache, type FileFacts } from "./files.js";
import { headingsCheck } from "./headings.js";
import { formatCheck, formatOf } from "./implicit.js";
import { loadMarkdownlint, markdownCheck } from "./markdown.js";
import { loadMarkdownParser } from "./markdown-tree.js";
import { parseCheck } from "./parse.js";
import { compileRegex, REGEX_TIMEOUT_MS, type RegexJob, regexResult, runRegexJobs } from "./regex.js";
import { loadAjv, schemaCheck } from "./schema.js";
import { scopeCheck } from "./scope.js";
import { DEFAULT_MIN_BYTES, existsCheck, maxBytesCheck, minBytesCheck } from "./size.js";
import { containsCheck, notContainsCheck } from "./text.js";
import type { CheckContext, CheckResult, ConcreteCheck } from "./types.js";

/** Kinds that look at a file's content (so the file is read, not just measured). */
const CONTENT_KINDS: ReadonlySet<CheckKind> = new Set<CheckKind>([
  "contains",
  "not_contains",
  "regex",
  "headings",
  "json_schema",
  "yaml_schema",
  "markdown",
  "json",
  "yaml",
]);

/** Regex jobs per guarded batch, and the text they may hold in memory together. */
const REGEX_BATCH = 2000;
const REGEX_BATCH_CHARS = 16 * 1024 * 1024;

/** The file a check looks at: its expanded deliverable, or its `path`. */
function fileOf(check: ConcreteCheck): string | undefined {
  return check.file ?? check.path;
}

/** Loads the libraries the explicit checks need (ajv, markdownlint, the Markdown parser), once. */
async function loadLibraries(checks: readonly ConcreteCheck[]): Promise<void> {
  const kinds = new Set(checks.map((c) => c.check));
  const loads: Promise<void>[] = [];
  if (kinds.has("json_schema") || kinds.has("yaml_schema")) loads.push(loadAjv());
  if (kinds.has("markdown")) loads.push(loadMarkdownlint());
  if (kinds.has("headings")) loads.push(loadMarkdownParser());
  await Promise.all(loads);
}

/**
 * Runs the implicit checks of each deliverable (exists, at least 200 bytes unless an explicit
 * `min_bytes` on the file replaces it, format by extension), then the explicit checks, file by
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
  await loadLibraries(checks);
  return new Run(ctx).run(checks, deliverables);
}

class Run {
  private readonly files: FileCache;
  private readonly results: (CheckResult | undefined)[] = [];
  private readonly regexJobs: { slot: number; job: RegexJob; check: ConcreteCheck; facts: FileFacts }[] = [];
  private pendingChars = 0;
  private readonly workspaceWide: { slot: number; check: ConcreteCheck }[] = [];
  private readonly compiled = new Map<string, RegExp | string>();
  private readonly timeoutMs: number;

  constructor(private readonly ctx: CheckContext) {
    this.files = new FileCache(ctx.workspace);
    this.timeoutMs = ctx.regexTimeoutMs ?? REGEX_TIMEOUT_MS;
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
      const wantContent = formatOf(file) !== undefined || mine.some((c) => CONTENT_KINDS.has(c.check));
      const facts = this.files.get(file, wantContent);
      const exists = existsCheck("implicit:exists", facts);
      this.results.push(exists);
      if (exists.status === "failed") continue;
      if (!explicitMin.has(file))
        this.results.push(minBytesCheck("implicit:min_bytes", facts, DEFAULT_MIN_BYTES));
      let format = formatCheck(facts);
      if (format === "needs-parser") {
        await loadMarkdownParser();
        format = formatCheck(facts);
      }
      if (format && format !== "needs-parser") this.results.push(format);
      for (const check of mine) this.explicit(check);
      facts.release();
    }
    for (const check of other) this.explicit(check);
    this.flushRegex();

    for (const { slot, check } of this.workspaceWide) {
      const result =
        check.check === "scope"
          ? await scopeCheck(this.ctx)
          : await commandCheck(check.run ?? "", check.timeout_s, this.ctx);
      this.results[slot] = described(check, result);
    }
    return this.results as CheckResult[];
  }

  private record(check: ConcreteCheck, result: CheckResult): void {
    this.results.push(described(check, result));
  }

  /** Keeps a place in the results for a check that completes later. */
  private reserve(): number {
    this.results.push(undefined);
    return this.results.length - 1;
  }

  private explicit(check: ConcreteCheck): void {
    const result = this.evaluate(check);
    if (result) this.record(check, result);
  }

  /** A check's result now, or undefined when it was queued (regex, scope, command). */
  private evaluate(check: ConcreteCheck): CheckResult | undefined {
    if (check.check === "scope" || check.check === "command") {
      this.workspaceWide.push({ slot: this.reserve(), check });
      return undefined;
    }
    const file = fileOf(check);
    if (file === undefined) {
      return {
        check: check.check,
        status: "failed",
        reason: `check \`${check.check}\` names no file (\`deliverable\` matched no deliverable, and no \`path\`)`,
      };
    }
    const content = CONTENT_KINDS.has(check.check);
    const facts = this.files.get(file, content);
    if (check.check === "exists") return existsCheck("exists", facts);
    const problem = content ? facts.contentProblem : facts.problem;
    if (problem) return { check: check.check, file, status: "failed", reason: problem };
    switch (check.check) {
      case "min_bytes":
        return minBytesCheck("min_bytes", facts, check.bytes ?? 0);
      case "max_bytes":
        return maxBytesCheck("max_bytes", facts, check.bytes ?? 0);
      case "contains":
        return containsCheck(facts, check.pattern ?? "");
      case "not_contains":
        return notContainsCheck(facts, check.pattern ?? "");
      case "regex":
        return this.regex(check, facts);
      case "headings":
        return headingsCheck(facts, check.headings ?? []);
      case "json_schema":
      case "yaml_schema":
        return schemaCheck(check.check, facts, check.schema ?? {}, this.files);
      case "markdown":
        return markdownCheck(facts, check.rules);
      case "json":
      case "yaml":
        return parseCheck(check.check, facts);
    }
  }

  /** An invalid regex fails now; a valid one is queued for the next guarded batch. */
  private regex(check: ConcreteCheck, facts: FileFacts): CheckResult | undefined {
    const key = `${check.flags ?? ""}/${check.pattern ?? ""}`;
    let regex = this.compiled.get(key);
    if (regex === undefined) {
      regex = compileRegex(check.pattern ?? "", check.flags);
      this.compiled.set(key, regex);
    }
    if (typeof regex === "string") {
      return { check: "regex", file: facts.file, status: "failed", reason: `${facts.file}: ${regex}` };
    }
    const text = facts.text();
    this.regexJobs.push({ slot: this.reserve(), job: { regex, text }, check, facts });
    this.pendingChars += text.length;
    if (this.regexJobs.length >= REGEX_BATCH || this.pendingChars >= REGEX_BATCH_CHARS) this.flushRegex();
    return undefined;
  }

  /** Runs the pending regex tests in one guarded batch and fills in their results. */
  private flushRegex(): void {
    if (this.regexJobs.length === 0) return;
    const outcomes = runRegexJobs(
      this.regexJobs.map((r) => r.job),
      this.timeoutMs,
    );
    this.regexJobs.forEach(({ slot, check, facts }, i) => {
      const outcome = outcomes[i] ?? false;
      const result = regexResult(facts, check.pattern ?? "", check.flags ?? "", outcome, this.timeoutMs);
      this.results[slot] = described(check, result);
    });
    this.regexJobs.length = 0;
    this.pendingChars = 0;
  }
}

function described(check: ConcreteCheck, result: CheckResult): CheckResult {
  return check.description ? { ...result, description: check.description } : result;
}
