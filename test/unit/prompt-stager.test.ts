import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import { createIteration } from "../../src/engine/create-iteration.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { PromptStager } from "../../src/engine/prompt-stager.js";
import { test } from "../helpers/fixtures.js";
import { writeFiles } from "../helpers/temp.js";

// #13.2: generate streams each prompt to disk as soon as it is counted and keeps none in memory;
// nothing appears under a prompt's name before the assignments are stored (#12.4).

const names = (dir: string) => readdirSync(dir).sort();
const temps = (dir: string) => names(dir).filter((n) => n.endsWith(".tmp"));

describe("PromptStager", () => {
  test("staged prompts are temp files until the commit renames them into place", async ({ dir }) => {
    const folder = path.join(dir, "agent-prompts");
    mkdirSync(folder);
    const stager = new PromptStager(folder);
    stager.stage("dev-01", "# one\n");
    stager.stage("dev-02", "# two\n");
    await stager.flush();
    expect(names(folder).filter((n) => n.endsWith(".md"))).toEqual([]);
    expect(temps(folder)).toHaveLength(2);
    expect(temps(folder)[0]).toMatch(new RegExp(`^dev-0[12]\\.md\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
    stager.commit(new Set(["dev-01", "dev-02"]), true);
    expect(names(folder)).toEqual(["dev-01.md", "dev-02.md"]);
    expect(readFileSync(path.join(folder, "dev-02.md"), "utf8")).toBe("# two\n");
  });

  test("a refit's second rendering replaces the first; ids the final plan dropped are discarded", async ({
    dir,
  }) => {
    const folder = path.join(dir, "p");
    mkdirSync(folder);
    const stager = new PromptStager(folder);
    stager.stage("dev-01", "first try\n");
    stager.stage("dev-02", "first try\n");
    stager.stage("dev-01", "second try\n");
    await stager.flush();
    expect(temps(folder)).toHaveLength(2);
    stager.commit(new Set(["dev-01"]), true);
    expect(names(folder)).toEqual(["dev-01.md"]);
    expect(readFileSync(path.join(folder, "dev-01.md"), "utf8")).toBe("second try\n");
  });

  test("many prompts staged at once (more than are written at a time) all arrive, each with its text", async ({
    dir,
  }) => {
    const ids = Array.from({ length: 300 }, (_, i) => `dev-${String(i + 1).padStart(3, "0")}`);
    for (const existing of [true, false]) {
      const folder = path.join(dir, existing ? "old" : "new");
      if (existing) mkdirSync(folder);
      const stager = new PromptStager(folder);
      for (const id of ids) stager.stage(id, `# ${id}\n`);
      expect(() => stager.commit(new Set(ids), true)).toThrow("flushed");
      await stager.flush();
      stager.commit(new Set(ids), true);
      expect(names(folder)).toEqual(ids.map((id) => `${id}.md`));
      for (const id of ids) expect(readFileSync(path.join(folder, `${id}.md`), "utf8")).toBe(`# ${id}\n`);
    }
  });

  test("a first generation writes into a temp folder that the commit renames into place whole", async ({
    dir,
  }) => {
    const folder = path.join(dir, "it", "agent-prompts");
    const stager = new PromptStager(folder);
    stager.stage("dev-01", "first try\n");
    stager.stage("dev-02", "# two\n");
    stager.stage("dev-01", "second try\n"); // a refit, while the first text may still be in flight
    stager.stage("dev-03", "# dropped by the final plan\n");
    await stager.flush();
    expect(existsSync(folder)).toBe(false);
    const [temp, ...others] = names(path.join(dir, "it"));
    expect(others).toEqual([]);
    expect(temp).toMatch(new RegExp(`^agent-prompts\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
    stager.commit(new Set(["dev-01", "dev-02"]), true);
    expect(names(path.join(dir, "it"))).toEqual(["agent-prompts"]);
    expect(names(folder)).toEqual(["dev-01.md", "dev-02.md"]);
    expect(readFileSync(path.join(folder, "dev-01.md"), "utf8")).toBe("second try\n");

    const failed = new PromptStager(path.join(dir, "other", "agent-prompts"));
    failed.stage("dev-01", "# one\n");
    await failed.abort();
    expect(names(path.join(dir, "other"))).toEqual([]);
  });

  test("pruning removes prompts of an earlier generation; a repair keeps them", async ({ dir }) => {
    writeFiles(dir, { "p/dev-01.md": "old\n", "p/dev-09.md": "old\n", "p/notes.txt": "keep\n" });
    const folder = path.join(dir, "p");
    const repair = new PromptStager(folder, (id) => id === "dev-02");
    repair.stage("dev-01", "new\n");
    repair.stage("dev-02", "new\n");
    await repair.flush();
    repair.commit(new Set(["dev-02"]), false);
    expect(names(folder)).toEqual(["dev-01.md", "dev-02.md", "dev-09.md", "notes.txt"]);
    expect(readFileSync(path.join(folder, "dev-01.md"), "utf8")).toBe("old\n");

    const full = new PromptStager(folder);
    full.stage("dev-01", "new\n");
    await full.flush();
    full.commit(new Set(["dev-01"]), true);
    expect(names(folder)).toEqual(["dev-01.md", "notes.txt"]);
  });

  test("an unchanged prompt is not rewritten (same mtime), and abort leaves nothing behind", async ({
    dir,
  }) => {
    writeFiles(dir, { "p/dev-01.md": "same\n" });
    const file = path.join(dir, "p", "dev-01.md");
    utimesSync(file, new Date("2030-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"));
    const before = statSync(file).mtimeMs;
    const stager = new PromptStager(path.join(dir, "p"));
    stager.stage("dev-01", "same\n");
    stager.stage("dev-02", "fresh\n");
    await stager.flush();
    expect(temps(path.join(dir, "p"))).toHaveLength(1);
    stager.stage("dev-03", "in flight\n");
    await stager.abort();
    expect(names(path.join(dir, "p"))).toEqual(["dev-01.md"]);
    const again = new PromptStager(path.join(dir, "p"));
    again.stage("dev-01", "same\n");
    await again.flush();
    again.commit(new Set(["dev-01"]), true);
    expect(statSync(file).mtimeMs).toBe(before);
  });
});

const WORKFLOW = `workflow:
  name: notes
  description: One note per item
  iterations:
    - name: write-notes
      goal: Write one note per item
      agents:
        - role: developer
          targets: ["items/*.md"]
          deliverables: ["notes/{item_id}.md"]
agent_roles:
  developer: { complexity_threshold: 1 }
`;

describe("generate_prompts writes prompts as it plans them", () => {
  test("a regeneration refused after planning leaves the prompts as they were and no temp file", async ({
    dir,
    baton,
  }) => {
    writeFiles(dir, {
      ".baton/workflows/notes.yaml": WORKFLOW,
      "items/a.md": "# A\n",
      "items/b.md": "# B\n",
    });
    const created = await createIteration(baton.engine, { workflow: "notes" });
    const first = await generatePrompts(baton.engine, { iteration_id: created.iteration_id });
    const folder = path.join(dir, first.path, "agent-prompts");
    const before = names(folder).map((n) => readFileSync(path.join(folder, n), "utf8"));
    claimAssignment(baton.engine, { agent: "a1" });
    writeFiles(dir, { "items/c.md": "# C\n" }); // a new target: every prompt would change
    await expect(generatePrompts(baton.engine, { iteration_id: created.iteration_id })).rejects.toThrow(
      /has assignments in progress/,
    );
    expect(names(folder)).toEqual(["developer-01.md", "developer-02.md"]);
    expect(names(folder).map((n) => readFileSync(path.join(folder, n), "utf8"))).toEqual(before);
  });
});
