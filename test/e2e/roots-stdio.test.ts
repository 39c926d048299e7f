import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ListRootsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { createRootsServer, WorkspacePool } from "../../src/roots.js";
import { runCli } from "../helpers/baton.js";
import { callError, callOk } from "../helpers/mcp.js";
import { CLI, REPO_ROOT, tempDir } from "../helpers/temp.js";

// `baton serve` with neither --workspace nor BATON_WORKSPACE: the workspace is the client's first
// root; without one, nothing is created and calls say how to set a workspace.

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function folder(): string {
  const { dir, cleanup } = tempDir();
  cleanups.push(cleanup);
  return dir;
}

/** The built server started in `cwd` without a workspace; the client offers `roots` if given. */
async function serveWithout(cwd: string, roots?: string[]): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "serve"],
    cwd,
    stderr: "pipe",
  });
  const client = new Client(
    { name: "roots-test", version: "0.0.0" },
    roots ? { capabilities: { roots: { listChanged: true } } } : {},
  );
  if (roots) {
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: roots.map((r) => ({ uri: pathToFileURL(r).href, name: path.basename(r) })),
    }));
  }
  await client.connect(transport);
  cleanups.push(() => void client.close());
  return client;
}

/** An in-process roots server and a client whose one root is `rootOf()`, asked again on list_changed. */
async function inProcess(rootOf: () => string) {
  const pool = new WorkspacePool();
  const built = createRootsServer(pool);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await built.server.connect(serverSide);
  const client = new Client(
    { name: "roots-test", version: "0.0.0" },
    { capabilities: { roots: { listChanged: true } } },
  );
  client.setRequestHandler(ListRootsRequestSchema, () => ({
    roots: [{ uri: pathToFileURL(rootOf()).href }],
  }));
  await client.connect(clientSide);
  const close = async () => {
    await client.close();
    await built.close();
  };
  return { client, pool, close };
}

describe("the workspace from the client's roots", () => {
  it("uses the first root the client offers", async () => {
    const cwd = folder();
    const root = folder();
    const client = await serveWithout(cwd, [root]);
    const created = await callOk<{ path: string }>(client, "create_iteration", {
      workflow: "user-story-refinement",
    });
    expect(existsSync(path.join(root, created.path, "CONTEXT.md"))).toBe(true);
    expect(existsSync(path.join(root, ".baton", "baton.db"))).toBe(true);
    expect(existsSync(path.join(cwd, ".baton"))).toBe(false);
    await client.close();
  });

  it("without roots creates nothing and names the three ways to set a workspace", async () => {
    const cwd = folder();
    const client = await serveWithout(cwd);
    const read = await callError(client, "get_status", {});
    const write = await callError(client, "create_iteration", { workflow: "user-story-refinement" });
    for (const text of [read, write]) {
      expect(text).toContain("--workspace");
      expect(text).toContain("BATON_WORKSPACE");
      expect(text).toContain("root");
    }
    // Fixed resources only: no template lists anything without a workspace.
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    expect(uris).toContain("baton://workflows");
    expect(uris.filter((u) => /^baton:\/\/(runs|iterations|roles|learnings)\//.test(u))).toEqual([]);
    expect(existsSync(path.join(cwd, ".baton"))).toBe(false);
    await client.close();
  });

  it("follows roots/list_changed to the client's new first root", async () => {
    const [first, second] = [folder(), folder()];
    let offered = first;
    const { client, pool, close } = await inProcess(() => offered);
    try {
      await callOk(client, "create_iteration", { workflow: "user-story-refinement" });
      offered = second;
      await client.sendRootsListChanged();
      expect(await callOk<{ runs: unknown[] }>(client, "get_status", {})).toMatchObject({ runs: [] });
      await callOk(client, "create_iteration", { workflow: "user-story-refinement" });
      expect(existsSync(path.join(first, ".baton", "baton.db"))).toBe(true);
      expect(existsSync(path.join(second, ".baton", "baton.db"))).toBe(true);
    } finally {
      await close();
      expect(pool.roots).toEqual([]);
    }
  });

  it("offers the role prompts of the root's workspace, and follows the root when it changes", async () => {
    const [first, second] = [folder(), folder()];
    addRole(first, "auditor", "Auditor");
    let offered = first;
    const { client, close } = await inProcess(() => offered);
    try {
      const names = async () => (await client.listPrompts()).prompts.map((p) => p.name);
      expect(await names()).toEqual(expect.arrayContaining(["master_orchestrator", "auditor", "architect"]));
      const prompt = await client.getPrompt({ name: "auditor", arguments: { task: "Audit the design" } });
      const text = prompt.messages[0]?.content;
      expect(text?.type === "text" && text.text).toContain("Auditor");
      offered = second;
      await client.sendRootsListChanged();
      const after = await names();
      expect(after).toContain("architect");
      expect(after).not.toContain("auditor");
    } finally {
      await close();
    }
  });

  it("a root whose .baton is a file: calls answer one clear line, and nothing is created", async () => {
    const root = folder();
    writeFileSync(path.join(root, ".baton"), "not a folder");
    const client = await serveWithout(folder(), [root]);
    const text = await callError(client, "get_status", {});
    expect(text.trim().split("\n")).toHaveLength(1);
    expect(text).toContain("`.baton` is a file, not a folder");
    expect(text).not.toMatch(/\bat .*:\d+:\d+/);
    await client.close();
  });

  // Root may write anywhere, so a read-only folder proves nothing when the tests run as root (CI does).
  it.skipIf(process.getuid?.() === 0)(
    "a root without write permission: one clear line (skipped as uid 0, which ignores permissions)",
    async () => {
      const root = folder();
      chmodSync(root, 0o555);
      cleanups.push(() => chmodSync(root, 0o755));
      const client = await serveWithout(folder(), [root]);
      const text = await callError(client, "create_iteration", { workflow: "user-story-refinement" });
      expect(text.trim().split("\n")).toHaveLength(1);
      expect(text).toContain("no permission to write it");
      await client.close();
    },
  );

  it("a file where .baton should be is one clear line, not a stack", async () => {
    const dir = folder();
    writeFileSync(path.join(dir, ".baton"), "not a folder");
    const result = await runCli(["-w", dir, "validate", "x"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringContaining("`.baton` is a file, not a folder"),
    ]);
  });
});

/** A workspace role `.baton/roles/<key>.yaml`: the shipped architect under another name. */
function addRole(root: string, key: string, name: string): void {
  mkdirSync(path.join(root, ".baton", "roles"), { recursive: true });
  const file = path.join(root, ".baton", "roles", `${key}.yaml`);
  copyFileSync(path.join(REPO_ROOT, "roles", "architect.yaml"), file);
  writeFileSync(file, readFileSync(file, "utf8").replace(/^name: .*$/m, `name: ${name}`));
}
