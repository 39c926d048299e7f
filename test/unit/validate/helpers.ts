import { afterEach } from "vitest";
import { Workspace } from "../../../src/config/workspace.js";
import { runChecks } from "../../../src/engine/validate/index.js";
import type { CheckContext, CheckResult, ConcreteCheck } from "../../../src/engine/validate/types.js";
import { tempDir, writeFiles } from "../../helpers/temp.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A temp workspace with these files, removed after the test. */
export function workspaceWith(files: Record<string, string> = {}): Workspace {
  const { dir, cleanup } = tempDir("baton-validate-");
  cleanups.push(cleanup);
  writeFiles(dir, files);
  return new Workspace(dir);
}

export function contextFor(workspace: Workspace, overrides: Partial<CheckContext> = {}): CheckContext {
  return {
    workspace,
    declaredDeliverables: new Set(),
    scopeIgnore: [],
    allowCommands: false,
    ...overrides,
  };
}

/** Runs explicit checks only (no deliverables, so no implicit checks). */
export async function run(
  workspace: Workspace,
  checks: ConcreteCheck[],
  overrides: Partial<CheckContext> = {},
): Promise<CheckResult[]> {
  return runChecks(checks, [], contextFor(workspace, overrides));
}

/** Runs one explicit check and returns its single result. */
export async function one(
  workspace: Workspace,
  check: ConcreteCheck,
  overrides: Partial<CheckContext> = {},
): Promise<CheckResult> {
  const results = await run(workspace, [check], overrides);
  if (results.length !== 1) throw new Error(`expected one result, got ${JSON.stringify(results)}`);
  return results[0] as CheckResult;
}

/** Markdown long enough for the implicit 200-byte minimum. */
export function longMarkdown(body = ""): string {
  return `# Title\n\n${"Some words about the story. ".repeat(10)}\n${body}`;
}
