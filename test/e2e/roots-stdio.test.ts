import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect, onTestFinished } from "vitest";
import { createRootsServer, WorkspacePool } from "../../src/roots.js";
import { runCli } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { callError, callOk, connectBuilt, connectStdio, offeringRoots } from "../helpers/mcp.js";
import { REPO_ROOT } from "../helpers/temp.js";

// `baton serve` with neither --workspace nor BATON_WORKSPACE: the workspace is the client's first
// root; without one, nothing is created and calls say how to set a workspace.

/** The built server started in `cwd` without a workspace; the client offers `roots` if given. */
async function serveWithout(cwd: string, roots?: string[]): Promise<Client> {
  const { client } = await connectStdio(cwd, {
    args: ["serve"],
    cwd,
    ...(roots ? offeringRoots(() => roots) : {}),
  });
  onTestFinished(() => client.close());
  return client;
}

/** An in-process roots server and a client whose one root is `rootOf()`, asked again on list_changed. */
async function inProcess(rootOf: () => string) {
  const pool = new WorkspacePool();
  const { client, close } = await connectBuilt(
    createRootsServer(pool),
    offeringRoots(() => [rootOf()]),
  );
  return { client, pool, close };
}

describe("the workspace from the client's roots", () => {
  test("uses the first root the client offers", async ({ dir: cwd, outside: root }) => {
    const client = await serveWithout(cwd, [root]);
    const created = await callOk<{ path: string }>(client, "create_iteration", {
      workflow: "user-story-refinement",
    });
    expect(existsSync(path.join(root, created.path, "CONTEXT.md"))).toBe(true);
    expect(existsSync(path.join(root, ".baton", "baton.db"))).toBe(true);
    expect(existsSync(path.join(cwd, ".baton"))).toBe(false);
  });

  test("without roots creates nothing and names the three ways to set a workspace", async ({ dir: cwd }) => {
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
  });

  test("follows roots/list_changed to the client's new first root", async ({
    dir: first,
    outside: second,
  }) => {
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

  test("offers the role prompts of the root's workspace, and follows the root when it changes", async ({
    dir: first,
    outside: second,
  }) => {
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

  test("a root whose .baton is a file: calls answer one clear line, and nothing is created", async ({
    dir: root,
    outside,
  }) => {
    writeFileSync(path.join(root, ".baton"), "not a folder");
    const client = await serveWithout(outside, [root]);
    const text = await callError(client, "get_status", {});
    expect(text.trim().split("\n")).toHaveLength(1);
    expect(text).toContain("`.baton` is a file, not a folder");
    expect(text).not.toMatch(/\bat .*:\d+:\d+/);
  });

  // Root may write anywhere, so a read-only folder proves nothing when the tests run as root (CI does).
  test.skipIf(process.getuid?.() === 0)(
    "a root without write permission: one clear line (skipped as uid 0, which ignores permissions)",
    async ({ dir: root, outside }) => {
      chmodSync(root, 0o555);
      onTestFinished(() => chmodSync(root, 0o755));
      const client = await serveWithout(outside, [root]);
      const text = await callError(client, "create_iteration", { workflow: "user-story-refinement" });
      expect(text.trim().split("\n")).toHaveLength(1);
      expect(text).toContain("no permission to write it");
    },
  );

  test("a file where .baton should be is one clear line, not a stack", async ({ dir }) => {
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
