import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { REPO_ROOT } from "../helpers/temp.js";

// Prompt files written on a worker thread (#13.2), on the built modules: the worker runs a
// compiled file, which the TypeScript sources under test do not have. Whichever thread writes a
// prompt, each file must end with the last text staged for it, and a lost worker loses no prompt.

type Stagers = typeof import("../../src/engine/prompt-stager.js");
type Writers = typeof import("../../src/engine/prompt-writer.js");

async function builtModule<T>(file: string): Promise<T> {
  const absolute = path.join(REPO_ROOT, "dist", "engine", file);
  expect(existsSync(absolute), `${absolute} is missing: run npm run build`).toBe(true);
  return (await import(pathToFileURL(absolute).href)) as T;
}

const threads = () => readdirSync("/proc/self/task").length;
const id = (i: number) => `dev-${String(i).padStart(3, "0")}`;

test.skipIf(!existsSync("/proc/self/task"))(
  "a generation's prompts written by the worker arrive whole, a refit's text last, in a new or an existing folder",
  async ({ dir }) => {
    const { PromptStager } = await builtModule<Stagers>("prompt-stager.js");
    for (const existing of [false, true]) {
      const folder = path.join(dir, existing ? "old" : "new", "agent-prompts");
      if (existing) mkdirSync(folder, { recursive: true });
      const stager = new PromptStager(folder);
      const before = threads();
      const ids = Array.from({ length: 400 }, (_, i) => id(i + 1));
      for (const local of ids) stager.stage(local, `# ${local}\n${"first ".repeat(700)}\n`);
      // The first generation starts the thread; the second finds it idle and reuses it.
      if (!existing) expect(threads(), "the writing thread was started").toBeGreaterThan(before);
      // A refit renders some prompts again while their first texts may still be on their way.
      for (const local of ids.slice(100, 150)) stager.stage(local, `# ${local}\nsecond\n`);
      expect(() => stager.commit(new Set(ids), true)).toThrow("flushed");
      await stager.flush();
      stager.commit(new Set(ids.slice(0, 300)), true);
      expect(readdirSync(folder).sort()).toEqual(ids.slice(0, 300).map((local) => `${local}.md`));
      for (const [i, local] of ids.slice(0, 300).entries()) {
        const text = readFileSync(path.join(folder, `${local}.md`), "utf8");
        expect(text).toBe(
          i >= 100 && i < 150 ? `# ${local}\nsecond\n` : `# ${local}\n${"first ".repeat(700)}\n`,
        );
      }
      expect(readdirSync(path.dirname(folder))).toEqual(["agent-prompts"]);
    }
  },
);

test.skipIf(!existsSync("/proc/self/task"))(
  "prompts a lost worker did not write are written here, in order, and so are the next ones",
  async ({ dir }) => {
    const { PromptWriter } = await builtModule<Writers>("prompt-writer.js");
    const writer = PromptWriter.start();
    expect(writer, "a worker can run here").toBeDefined();
    if (!writer) return;
    const file = (i: number) => path.join(dir, `${id(i)}.md`);
    for (let i = 0; i < 300; i++) writer.write(file(i), `first ${i}\n`);
    // The worker goes away with writes still queued: the pool reports it, the writer takes over.
    await (writer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    for (let i = 250; i < 320; i++) writer.write(file(i), `second ${i}\n`);
    await writer.flush();
    for (let i = 0; i < 320; i++)
      expect(readFileSync(file(i), "utf8")).toBe(i >= 250 ? `second ${i}\n` : `first ${i}\n`);
  },
);

test("a write that fails fails the flush with its error, after the other prompts are written", async ({
  dir,
}) => {
  const { PromptWriter } = await builtModule<Writers>("prompt-writer.js");
  const writer = PromptWriter.start();
  if (!writer) return; // one core: the stager writes on its own thread (unit tests cover that)
  for (let i = 0; i < 50; i++) writer.write(path.join(dir, `${id(i)}.md`), `${i}\n`);
  writer.write(path.join(dir, "missing-folder", "x.md"), "lost\n");
  for (let i = 50; i < 60; i++) writer.write(path.join(dir, `${id(i)}.md`), `${i}\n`);
  await expect(writer.flush()).rejects.toMatchObject({ code: "ENOENT" });
  for (let i = 0; i < 60; i++) expect(readFileSync(path.join(dir, `${id(i)}.md`), "utf8")).toBe(`${i}\n`);
});
