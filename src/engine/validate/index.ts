/**
 * Deterministic validation (docs/design.md §6): the implicit checks every deliverable gets and the explicit
 * check kinds of a workflow. No MCP types, no SQL; the engine expands deliverable patterns and calls
 * `runChecks`, and takes the scope baseline with `takeScopeBaseline` when it materializes an iteration.
 */
export { commandCheck, DEFAULT_COMMAND_TIMEOUT_S } from "./command.js";
export { FileCache, FileFacts, MAX_CONTENT_BYTES } from "./files.js";
export { headingsOf } from "./headings.js";
export { formatCheck, formatOf } from "./implicit.js";
export { scanFences } from "./markdown-tree.js";
export { parseJson, parseYaml } from "./parse.js";
export { REGEX_TIMEOUT_MS, runRegexJobs } from "./regex.js";
export { foundAnyDeliverable, runChecks } from "./runner.js";
export { scopeCheck, takeScopeBaseline } from "./scope.js";
export { DEFAULT_MIN_BYTES } from "./size.js";
export type {
  Check,
  CheckContext,
  CheckResult,
  CheckStatus,
  ConcreteCheck,
  FileSnapshot,
  Miss,
  ScopeBaseline,
} from "./types.js";
