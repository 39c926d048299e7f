import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { connectStdio } from "../helpers/mcp.js";
import { CLI, REPO_ROOT } from "../helpers/temp.js";

// The package as users get it: `npm pack` of this checkout, installed from the tarball into a
// fresh prefix (dependencies from npm's cache where it has them), then `baton serve` from that
// install speaks MCP to the SDK client, and the library entry point resolves with its types.
// better-sqlite3 compiles for a minute or more: the install skips install scripts and takes this
// checkout's build of the same module instead (the test above that is the driver's own).

const exec = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  mcpName: string;
};

test.override({ example: true });

describe("the packed package", () => {
  let temp: string;
  let tarballFiles: string[];
  let installed: string;

  // One pack and install for the file.
  test.beforeAll(async ({ sharedDir }) => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    temp = sharedDir;
    // --ignore-scripts: `prepare` would build again; dist/ is built already.
    const { stdout } = await exec(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", temp], {
      cwd: REPO_ROOT,
    });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    if (!packed) throw new Error("npm pack printed no result");
    tarballFiles = packed.files.map((f) => f.path);
    const prefix = path.join(temp, "prefix");
    await exec(
      npm,
      [
        "install",
        "--prefix",
        prefix,
        "--prefer-offline",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        path.join(temp, packed.filename),
      ],
      { cwd: temp },
    );
    installed = path.join(prefix, "node_modules", pkg.name);
    const driver = path.join(prefix, "node_modules", "better-sqlite3");
    rmSync(driver, { recursive: true, force: true });
    for (const part of ["package.json", "lib", "build/Release/better_sqlite3.node"])
      cpSync(path.join(REPO_ROOT, "node_modules/better-sqlite3", part), path.join(driver, part), {
        recursive: true,
      });
  }, 240_000);

  test("holds the built server, the shipped data, LICENSE and registry metadata, and no sources or tests", () => {
    for (const file of [
      "LICENSE",
      "README.md",
      "package.json",
      "server.json",
      "dist/cli.js",
      "dist/index.js",
    ])
      expect(tarballFiles).toContain(file);
    expect(tarballFiles).toContain("dist/index.d.ts");
    expect(tarballFiles.some((f) => f.startsWith("roles/"))).toBe(true);
    expect(tarballFiles.some((f) => f.startsWith("workflows/"))).toBe(true);
    expect(tarballFiles.some((f) => f.startsWith("templates/"))).toBe(true);
    expect(tarballFiles.filter((f) => /^(src|test|bench|scripts|\.ci)\//.test(f))).toEqual([]);
  });

  test("names the same server and version in server.json as in package.json", () => {
    const server = JSON.parse(readFileSync(path.join(installed, "server.json"), "utf8")) as {
      name: string;
      version: string;
      packages: { identifier: string; version: string }[];
    };
    expect(server.name).toBe(pkg.mcpName);
    expect(server.version).toBe(pkg.version);
    expect(server.packages).toEqual([
      expect.objectContaining({ identifier: pkg.name, version: pkg.version }),
    ]);
  });

  test("serves MCP from the installed `baton` bin", async ({ dir }) => {
    const bin = realpathSync(path.join(installed, "..", ".bin", "baton"));
    expect(bin).toBe(realpathSync(path.join(installed, "dist", "cli.js")));
    let stderr = "";
    const { client } = await connectStdio(dir, {
      cli: bin,
      args: ["serve", "--workspace", dir],
      cwd: temp,
      onStderr: (text) => {
        stderr += text;
      },
    });
    try {
      expect(client.getServerVersion()).toMatchObject({ name: "baton", version: pkg.version });
      const created = (await client.callTool({
        name: "create_iteration",
        arguments: { workflow: "user-story-refinement" },
      })) as CallToolResult;
      expect(created.isError ?? false, JSON.stringify(created.content)).toBe(false);
      const { resources } = await client.listResources();
      expect(resources.map((r) => r.uri)).toContain("baton://workflows");
    } finally {
      await client.close();
    }
    expect(stderr).not.toMatch(/Error|node:sqlite/);
  });

  test("answers initialize without loading the YAML library: the shipped roles come parsed", async ({
    dir,
  }) => {
    // The tarball gives every file one fixed mtime, so the build's parse of the roles is matched by content.
    const preload = path.join(dir, "loaded.mjs");
    writeFileSync(
      preload,
      `import { createRequire } from "node:module";
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (...args) => {
  process.stderr.write("LOADED " + JSON.stringify(Object.keys(createRequire(import.meta.url).cache)) + "\\n");
  process.stdout.write = write;
  return write(...args);
};`,
    );
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "test", version: "1" } },
    };
    const started = spawnSync(
      process.execPath,
      ["--import", preload, path.join(installed, "dist", "cli.js"), "serve", "--workspace", dir],
      { input: `${JSON.stringify(initialize)}\n`, encoding: "utf8", timeout: 60_000 },
    );
    expect(started.stdout).toContain('"serverInfo"');
    const loaded = JSON.parse(/^LOADED (.*)$/m.exec(started.stderr)?.[1] ?? "null") as string[];
    expect(loaded.some((file) => file.includes(`${path.sep}better-sqlite3${path.sep}`))).toBe(true);
    expect(loaded.filter((file) => file.includes(`${path.sep}yaml${path.sep}`))).toEqual([]);
  });

  test("exports the library API with its types", async () => {
    const script = `import("${pkg.name}").then((m) => console.log(JSON.stringify(Object.keys(m).sort())))`;
    const { stdout } = await exec(process.execPath, ["--input-type=module", "-e", script], {
      cwd: path.dirname(path.dirname(installed)),
    });
    expect(JSON.parse(stdout)).toEqual(expect.arrayContaining(["createServer", "openDeps"]));
    const types = readFileSync(path.join(installed, "dist", "index.d.ts"), "utf8");
    expect(types).toContain("createServer");
    // Deep imports stay private: the exports map is the API.
    const deep = await exec(
      process.execPath,
      ["--input-type=module", "-e", `import("${pkg.name}/dist/server.js").catch((e) => console.log(e.code))`],
      { cwd: path.dirname(path.dirname(installed)) },
    );
    expect(deep.stdout.trim()).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });
});
