import { commandCheck } from "./command.js";
import { FileCache, type FileFacts } from "./files.js";
import { headingsCheck } from "./headings.js";
import { markdownCheck } from "./markdown.js";
import { jsonProblem, markdownProblem, parseCheck, yamlProblem } from "./parse.js";
import { regexCheck } from "./regex.js";
import { schemaCheck } from "./schema.js";
import { scopeCheck } from "./scope.js";
import { DEFAULT_MIN_BYTES, existsCheck, maxBytesCheck, minBytesCheck } from "./size.js";
import { containsCheck } from "./text.js";
import type { CheckContext, CheckResult, ConcreteCheck } from "./types.js";

export { takeScopeBaseline } from "./scope.js";
export { DEFAULT_MIN_BYTES } from "./size.js";

/** Format validity by extension: JSON and YAML parse, Markdown has content and closed fences. */
function formatCheck(file: string, facts: FileFacts): CheckResult | undefined {
  const ext = file.slice(file.lastIndexOf(".")).toLowerCase();
  const problem =
    ext === ".json"
      ? jsonProblem(facts.text())
      : ext === ".yaml" || ext === ".yml"
        ? yamlProblem(facts.text())
        : ext === ".md" || ext === ".markdown"
          ? markdownProblem(facts.text())
          : undefined;
  if (problem !== undefined)
    return { check: "implicit:format", file, status: "failed", reason: `${file}: ${problem}` };
  if ([".json", ".yaml", ".yml", ".md", ".markdown"].includes(ext)) {
    return { check: "implicit:format", file, status: "passed", reason: `${file}: valid ${ext.slice(1)}` };
  }
  return undefined;
}

/** The implicit checks every deliverable gets; an explicit `min_bytes` on the file replaces the default. */
function implicitChecks(file: string, facts: FileFacts, explicitMin: boolean): CheckResult[] {
  const exists = existsCheck("implicit:exists", file, facts);
  if (exists.status === "failed") return [exists];
  const results = [exists];
  if (!explicitMin) results.push(minBytesCheck("implicit:min_bytes", file, facts, DEFAULT_MIN_BYTES));
  const format = formatCheck(file, facts);
  if (format) results.push(format);
  return results;
}

async function explicitCheck(
  check: ConcreteCheck,
  facts: FileFacts | undefined,
  ctx: CheckContext,
): Promise<CheckResult> {
  if (check.check === "scope") return scopeCheck(ctx);
  if (check.check === "command") return commandCheck(check.run ?? "", check.timeout_s ?? 60, ctx);
  const file = check.file as string;
  const f = facts as FileFacts;
  if (!f.exists) return { check: check.check, file, status: "failed", reason: `${file}: does not exist` };
  switch (check.check) {
    case "exists":
      return existsCheck("exists", file, f);
    case "min_bytes":
      return minBytesCheck("min_bytes", file, f, check.bytes ?? 0);
    case "max_bytes":
      return maxBytesCheck("max_bytes", file, f, check.bytes ?? 0);
    case "contains":
      return containsCheck(file, f, check.pattern ?? "", true);
    case "not_contains":
      return containsCheck(file, f, check.pattern ?? "", false);
    case "regex":
      return regexCheck(file, f, check.pattern ?? "", check.flags);
    case "headings":
      return headingsCheck(file, f, check.headings ?? []);
    case "json_schema":
    case "yaml_schema":
      return schemaCheck(check.check, file, f, check.schema ?? {}, ctx.workspace);
    case "markdown":
      return markdownCheck(file, f, check.rules);
    case "json":
    case "yaml":
      return parseCheck(check.check, file, f);
  }
}

/**
 * Runs the implicit checks of each deliverable, then the explicit checks. A missing deliverable
 * fails once (implicit exists); the explicit checks on it are not run, so a rework prompt names
 * the real problem instead of ten consequences of it. Each file is read at most once.
 */
export async function runChecks(
  checks: readonly ConcreteCheck[],
  deliverables: readonly string[],
  ctx: CheckContext,
  files: FileCache = new FileCache(ctx.workspace),
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const explicitMin = new Set(checks.filter((c) => c.check === "min_bytes" && c.file).map((c) => c.file));
  for (const file of deliverables)
    results.push(...implicitChecks(file, files.get(file), explicitMin.has(file)));
  const declared = new Set(deliverables);
  for (const check of checks) {
    const facts = check.file === undefined ? undefined : files.get(check.file);
    if (facts && !facts.exists && declared.has(check.file as string)) continue;
    const result = await explicitCheck(check, facts, ctx);
    results.push(check.description ? { ...result, description: check.description } : result);
  }
  return results;
}
