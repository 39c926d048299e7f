import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { callError, callOk, connectHttp, offeringRoots } from "../helpers/mcp.js";
import { REPO_ROOT } from "../helpers/temp.js";
import { type SpawnedServer, spawnHttpServer } from "./http-server.js";

// `baton serve --http` without --workspace: every session works in its own client's first root.
// Sessions offering the same root share its workspace; sessions offering different roots never
// see each other's runs (docs/design.md, "Roots").

/** A workspace role `.baton/roles/<key>.yaml`: the shipped architect under another name. */
function addRole(root: string, key: string, name: string): void {
  mkdirSync(path.join(root, ".baton", "roles"), { recursive: true });
  const file = path.join(root, ".baton", "roles", `${key}.yaml`);
  copyFileSync(path.join(REPO_ROOT, "roles", "architect.yaml"), file);
  writeFileSync(file, readFileSync(file, "utf8").replace(/^name: .*$/m, `name: ${name}`));
}

describe("roots over HTTP: each session's client roots", () => {
  let server: SpawnedServer;
  let cwd: string;
  let first: string;
  let second: string;
  const clients: Client[] = [];

  /** A session whose client offers `root` as its only root (none: no roots capability). */
  async function session(root?: string): Promise<Client> {
    const { client } = await connectHttp(server.url, root ? offeringRoots(() => [root]) : {});
    clients.push(client);
    return client;
  }

  // One server for the file; where it runs and the two roots are sibling folders of one temp dir.
  test.beforeAll(async ({ sharedDir }) => {
    cwd = path.join(sharedDir, "cwd");
    first = path.join(sharedDir, "first");
    second = path.join(sharedDir, "second");
    for (const folder of [cwd, first, second]) mkdirSync(folder);
    addRole(first, "auditor", "Auditor");
    server = await spawnHttpServer(null, { cwd });
  });
  test.afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.stop();
  });

  test("says at start that sessions bring their workspaces", () => {
    expect(server.stderr()).toContain("for each session's first root");
  });

  test("works in each session's first root: the same root is shared, another root is separate", async () => {
    const a = await session(first);
    const b = await session(second);
    const c = await session(first);
    const created = await callOk<{ run_id: string; path: string }>(a, "create_iteration", {
      workflow: "user-story-refinement",
    });
    expect(existsSync(path.join(first, created.path, "CONTEXT.md"))).toBe(true);
    const shared = await callOk<{ runs: { id: string }[] }>(c, "get_status", {});
    expect(shared.runs.map((r) => r.id)).toEqual([created.run_id]);
    const separate = await callOk<{ runs: unknown[] }>(b, "get_status", {});
    expect(separate.runs).toEqual([]);
    expect(existsSync(path.join(first, ".baton", "baton.db"))).toBe(true);
    expect(existsSync(path.join(second, ".baton", "baton.db"))).toBe(true);
    expect(existsSync(path.join(cwd, ".baton"))).toBe(false);
  });

  test("offers each session the role prompts of its own workspace", async () => {
    const a = await session(first);
    const b = await session(second);
    const names = async (client: Client) => (await client.listPrompts()).prompts.map((p) => p.name);
    expect(await names(a)).toEqual(expect.arrayContaining(["master_orchestrator", "architect", "auditor"]));
    expect(await names(b)).not.toContain("auditor");
    const prompt = await a.getPrompt({ name: "auditor", arguments: { task: "Audit the design" } });
    const content = prompt.messages[0]?.content;
    expect(content?.type === "text" && content.text).toContain("Auditor");
  });

  test("a session without roots creates nothing and hears the three ways to set a workspace", async () => {
    const none = await session();
    const text = await callError(none, "get_status", {});
    expect(text).toContain("--workspace");
    expect(text).toContain("BATON_WORKSPACE");
    expect(text).toContain("first root");
    expect(existsSync(path.join(cwd, ".baton"))).toBe(false);
  });

  test("answers the dashboard path with the one line that says it needs a workspace", async () => {
    const origin = new URL(server.url).origin;
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain("--workspace");
  });
});
