import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { connectStdio } from "../helpers/mcp.js";
import { CLI, REPO_ROOT } from "../helpers/temp.js";

// An install whose better-sqlite3 cannot be loaded (built for another Node, or never built): on a
// Node with node:sqlite the server says so once on stderr and serves on node:sqlite; on a Node
// without it, `baton serve` fails with one line that says how to rebuild. Under Node 20 (npm test)
// the second branch runs; the CI Node matrix runs this file under Node 22 and 24 for the first.

const exec = promisify(execFile);
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const HAS_NODE_SQLITE = major > 22 || (major === 22 && minor >= 13);

/**
 * A copy of the built package whose node_modules links every dependency of this checkout except
 * better-sqlite3, which is its own JavaScript with a native module that is not a shared library.
 */
function brokenInstall(root: string): string {
  for (const part of ["dist", "roles", "workflows", "templates", "package.json"])
    cpSync(path.join(REPO_ROOT, part), path.join(root, part), { recursive: true });
  const modules = path.join(root, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(path.join(REPO_ROOT, "node_modules")))
    if (!entry.startsWith(".") && entry !== "better-sqlite3")
      symlinkSync(path.join(REPO_ROOT, "node_modules", entry), path.join(modules, entry));
  const driver = path.join(modules, "better-sqlite3");
  for (const part of ["lib", "package.json"])
    cpSync(path.join(REPO_ROOT, "node_modules/better-sqlite3", part), path.join(driver, part), {
      recursive: true,
    });
  mkdirSync(path.join(driver, "build/Release"), { recursive: true });
  writeFileSync(path.join(driver, "build/Release/better_sqlite3.node"), "not a shared library");
  return path.join(root, "dist", "cli.js");
}

const env = (extra: Record<string, string> = {}): Record<string, string> => {
  const { BATON_SQLITE_DRIVER: _, ...rest } = process.env;
  return { ...(rest as Record<string, string>), ...extra };
};

async function runCli(cli: string, args: string[], extra: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [cli, ...args], { env: env(extra) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Each test on its own copy of the example workspace.
test.override({ example: true });

describe("SQLite driver when better-sqlite3 cannot be loaded", () => {
  let install: string;
  let cli: string;

  // One broken install for the file.
  test.beforeAll(({ sharedDir }) => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    install = sharedDir;
    cli = brokenInstall(install);
  });

  test.runIf(HAS_NODE_SQLITE)("serves MCP on node:sqlite and says so once on stderr", async ({ dir }) => {
    let stderr = "";
    const { client } = await connectStdio(dir, {
      cli,
      env: env(),
      onStderr: (text) => {
        stderr += text;
      },
    });
    try {
      const created = (await client.callTool({
        name: "create_iteration",
        arguments: { workflow: "user-story-refinement" },
      })) as CallToolResult;
      expect(created.isError ?? false, JSON.stringify(created.content)).toBe(false);
      const status = (await client.callTool({ name: "get_status", arguments: {} })) as CallToolResult;
      expect(status.isError ?? false, JSON.stringify(status.content)).toBe(false);
      expect(JSON.stringify(status.structuredContent)).toContain("user-story-refinement-1");
    } finally {
      await client.close();
    }
    const notices = stderr.split("\n").filter((line) => line.includes("node:sqlite"));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^baton: better-sqlite3 cannot be used \(.+\); using Node's built-in node:sqlite/,
    );
    expect(notices[0]).toContain("npm rebuild better-sqlite3");
    expect(stderr).not.toContain("ExperimentalWarning");
  });

  test.runIf(!HAS_NODE_SQLITE)("explains in one line how to rebuild, without a stack", async ({ dir }) => {
    const { code, stdout, stderr } = await runCli(cli, ["-w", dir, "serve"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(
      /^baton: cannot open the database: better-sqlite3 cannot be used \(its native module cannot be loaded\) and Node [\d.]+ has no node:sqlite \(it needs Node 22\.13 or newer\)\. To fix it, run `npm rebuild better-sqlite3`/,
    );
    expect(stderr).not.toContain(install);
  });

  test("BATON_SQLITE_DRIVER=better-sqlite3 forbids the fallback and says why", async ({ dir }) => {
    const { code, stderr } = await runCli(cli, ["-w", dir, "generate", "--workflow", "code-review"], {
      BATON_SQLITE_DRIVER: "better-sqlite3",
    });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      "baton: cannot open the database: better-sqlite3 cannot be used (its native module cannot be loaded) and BATON_SQLITE_DRIVER=better-sqlite3 allows no other driver. To fix it, run `npm rebuild better-sqlite3` where Baton is installed, with the Node.js that runs Baton.",
    );
  });
});

describe("BATON_SQLITE_DRIVER", () => {
  test("node-sqlite runs on the built-in driver where Node has it, else says which Node it needs", async ({
    dir,
  }) => {
    const result = await runCli(CLI, ["-w", dir, "generate", "--workflow", "user-story-refinement"], {
      BATON_SQLITE_DRIVER: "node-sqlite",
    });
    if (HAS_NODE_SQLITE) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("run user-story-refinement-1");
      // Forced, so nothing fell back: no notice, and not Node's experimental warning either.
      expect(result.stderr).toBe("");
    } else {
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(
        `baton: BATON_SQLITE_DRIVER=node-sqlite, but Node ${process.versions.node} has no node:sqlite (it needs Node 22.13 or newer).`,
      );
    }
  });

  test("rejects an unknown driver with the valid names", async ({ dir }) => {
    const result = await runCli(CLI, ["-w", dir, "generate", "--workflow", "code-review"], {
      BATON_SQLITE_DRIVER: "postgres",
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      "baton: BATON_SQLITE_DRIVER=postgres is not a driver; use better-sqlite3 or node-sqlite, or leave it unset.",
    );
  });
});
