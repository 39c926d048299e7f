import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Workspace } from "../../src/config/workspace.js";
import { createEngine, type EngineContext } from "../../src/engine/engine.js";
import type { ServerDeps } from "../../src/server.js";
import type { Store } from "../../src/store/api.js";
import { defaultStoreFile, openStore } from "../../src/store/index.js";
import { CLI } from "./temp.js";

/** A clock tests move by hand: the Store takes it as `now`, so leases and stalls need no waiting. */
export class TestClock {
  private ms: number;

  constructor(start = "2030-01-01T09:00:00.000Z") {
    this.ms = Date.parse(start);
  }

  readonly now = (): Date => new Date(this.ms);

  advanceMinutes(minutes: number): void {
    this.ms += minutes * 60_000;
  }

  iso(offsetMinutes = 0): string {
    return new Date(this.ms + offsetMinutes * 60_000).toISOString();
  }
}

/** Workspace + store (on `<dir>/.baton/baton.db`, optionally on an injected clock) + engine. */
export function openEngine(
  dir: string,
  options: { now?: () => Date; allowCommands?: boolean } = {},
): { deps: ServerDeps; engine: EngineContext; store: Store; close: () => void } {
  const workspace = new Workspace(dir);
  const store = openStore(defaultStoreFile(workspace.root), options.now);
  const deps: ServerDeps = { workspace, store, allowCommands: options.allowCommands };
  return { deps, engine: createEngine(deps), store, close: () => store.close() };
}

const exec = promisify(execFile);

/** Runs `node dist/cli.js …`; resolves with the exit code and output instead of throwing on a non-zero exit. */
export async function runCli(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** A Markdown document with a `#` title and `##` sections, padded with prose to at least `minBytes`. */
export function markdownDoc(title: string, sections: Record<string, string>, minBytes = 0): string {
  let text = `# ${title}\n`;
  for (const [heading, body] of Object.entries(sections)) text += `\n## ${heading}\n\n${body}\n`;
  const filler = "This paragraph is here so that the document has a realistic size for its checks.\n";
  while (Buffer.byteLength(text) < minBytes) text += `\n${filler}`;
  return text;
}

/** Exactly `bytes` bytes of ASCII text (a `#` title line, then filler), all of it content: no final newline. */
export function textOfSize(bytes: number, title = "Draft"): string {
  const head = `# ${title}\n`;
  if (bytes <= head.length) return head.slice(0, bytes);
  return `${head}${"x".repeat(bytes - head.length)}`;
}
