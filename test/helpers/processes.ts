import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

/** A `node` process a test started: its output so far, and promises for its `ready` line and its end. */
export interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  /** Resolves at the first stdout line `ready`, or when the process ends first (its exit code then fails the test). */
  ready: Promise<void>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `node <args>` with piped stdio. */
export function startNode(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Started {
  const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"], ...options });
  let stdout = "";
  let stderr = "";
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    if (/^ready$/m.test(stdout)) signalReady();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done: Started["done"] = new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      signalReady(); // a process that died before "ready" must not hang the test
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, ready, done };
}

/** Ends a process that is still running (a test that failed before it finished). */
export function stopIfRunning(started: Started): void {
  if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill();
}
