import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { test } from "../helpers/fixtures.js";
import { CLI } from "../helpers/temp.js";

// Servers started together on a fresh workspace (a host launching several sessions) all migrate
// the new database at once: each must come up on the full schema, none may die on
// "table workflows already exists".

const OPENER = fileURLToPath(new URL("../fixtures/open-store.mjs", import.meta.url));
const PROCESSES = 6;
const ROUNDS = 3;

describe("concurrent start on a fresh workspace", () => {
  test("every process migrates or finds the migration done, none fails", async ({ dir, spawnNode }) => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    for (let round = 0; round < ROUNDS; round++) {
      const file = path.join(dir, `round-${round}`, ".baton", "baton.db");
      const openers = Array.from({ length: PROCESSES }, () => spawnNode([OPENER, file]));
      await Promise.all(openers.map((o) => o.ready));
      for (const o of openers) o.child.stdin.end("go\n");
      const results = await Promise.all(openers.map((o) => o.done));
      for (const { code, stdout, stderr } of results) {
        expect(stderr).not.toMatch(/already exists|SqliteError|database is locked/);
        expect(code, stderr).toBe(0);
        expect(JSON.parse(stdout.split("\n")[1] ?? "")).toEqual({ version: MIGRATIONS.length });
      }
    }
  });
});
