import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { CLI, tempDir } from "../helpers/temp.js";

// Servers started together on a fresh workspace (a host launching several sessions) all migrate
// the new database at once: each must come up on the full schema, none may die on
// "table workflows already exists".

const OPENER = fileURLToPath(new URL("../fixtures/open-store.mjs", import.meta.url));
const PROCESSES = 6;
const ROUNDS = 3;

interface Opener {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startOpener(file: string): Opener {
  const child = spawn(process.execPath, [OPENER, file], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let signalReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes("ready\n")) signalReady();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on("close", (code) => {
      signalReady();
      resolve({ code, stdout, stderr });
    });
  });
  return { child, ready, done };
}

describe("concurrent start on a fresh workspace", () => {
  it("every process migrates or finds the migration done, none fails", async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    const temp = tempDir("baton-migrate-");
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const file = path.join(temp.dir, `round-${round}`, ".baton", "baton.db");
        const openers = Array.from({ length: PROCESSES }, () => startOpener(file));
        await Promise.all(openers.map((o) => o.ready));
        for (const o of openers) o.child.stdin.end("go\n");
        const results = await Promise.all(openers.map((o) => o.done));
        for (const { code, stdout, stderr } of results) {
          expect(stderr).not.toMatch(/already exists|SqliteError|database is locked/);
          expect(code, stderr).toBe(0);
          expect(JSON.parse(stdout.split("\n")[1] ?? "")).toEqual({ version: MIGRATIONS.length });
        }
      }
    } finally {
      temp.cleanup();
    }
  });
});
