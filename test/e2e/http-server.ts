import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { CLI, REPO_ROOT } from "../helpers/temp.js";

// Spawns the built `baton serve --http` (`npm test` builds dist/ before vitest; while working:
// `npm run build`) and learns its URL from the line it prints to stderr.

export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then the exit code once it has exited (null when a signal killed it). */
  stop(): Promise<number | null>;
}

/** The environment without a developer's own Baton settings, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.BATON_TOKEN;
  delete env.BATON_DB;
  delete env.BATON_WORKSPACE;
  return { ...env, ...extra };
}

/** `workspace` null: none given, each session works in its client's first root. */
export function spawnHttpServer(
  workspace: string | null,
  options: { env?: Record<string, string>; args?: string[]; cwd?: string } = {},
): Promise<SpawnedServer> {
  return spawnServing(
    [
      ...(workspace === null ? [] : ["-w", workspace]),
      "serve",
      "--http",
      "--port",
      "0",
      ...(options.args ?? []),
    ],
    /^baton: serving (http:\/\/\S+\/mcp) /,
    options,
  );
}

/**
 * Spawns `node dist/cli.js <args>` (`baton serve --http`, `baton dashboard`) and resolves with the
 * first capture of `announce` in a line of its stderr: the URL it serves at.
 */
export async function spawnServing(
  args: string[],
  announce: RegExp,
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<SpawnedServer> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cleanEnv(options.env),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stderr as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      stderr += `${line}\n`;
      const match = announce.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once("error", reject);
    void exited.then(([code, signal]) =>
      reject(new Error(`baton ${args.join(" ")} exited (${code ?? signal}) before serving:\n${stderr}`)),
    );
  });
  return {
    url,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const [code] = await exited;
      return code;
    },
  };
}
