import { existsSync, readdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { countTokens } from "../../src/engine/tokens.js";
import { test } from "../helpers/fixtures.js";
import { REPO_ROOT, writeFiles } from "../helpers/temp.js";

// Target counting in worker threads (#13.4), on the built module: the workers run compiled files,
// which the TypeScript sources under test do not have. Whatever thread counts a target, the
// counts, their order and the first error must be those of counting one by one here.

const BUILT = path.join(REPO_ROOT, "dist", "engine", "estimate", "target-counts.js");
type Module = typeof import("../../src/engine/estimate/target-counts.js");
type Workspaces = typeof import("../../src/config/workspace.js");

async function built(): Promise<{ counts: Module; Workspace: Workspaces["Workspace"] }> {
  expect(existsSync(BUILT), `${BUILT} is missing: run npm run build`).toBe(true);
  const counts = (await import(pathToFileURL(BUILT).href)) as Module;
  const { Workspace } = (await import(
    pathToFileURL(path.join(REPO_ROOT, "dist", "config", "workspace.js")).href
  )) as Workspaces;
  return { counts, Workspace };
}

/** 450 targets of different sizes, one of them only whitespace; their paths and texts. */
function targets(dir: string): { paths: string[]; texts: string[] } {
  const files: Record<string, string> = {};
  for (let i = 0; i < 450; i++)
    files[`stories/US-${i}.md`] =
      i === 217 ? "  \n\n" : `# US-${i}\n\n${"owner pays the invoice; ".repeat(i % 37)}\n`;
  writeFiles(dir, files);
  return { paths: Object.keys(files), texts: Object.values(files) };
}

const threads = () => readdirSync("/proc/self/task").length;

test.skipIf(!existsSync("/proc/self/task"))(
  "worker threads count every target exactly, in order, as counting here does",
  async ({ dir }) => {
    const { counts, Workspace } = await built();
    const workspace = new Workspace(dir);
    const { paths, texts } = targets(dir);
    const count = (await import("gpt-tokenizer/encoding/o200k_base")).countTokens;
    const before = threads();
    const parallel = await counts.countTargets(workspace, paths, count, 1);
    expect(threads(), "the counting threads were started").toBeGreaterThan(before);
    const here = await counts.countTargets(workspace, paths, count, Number.POSITIVE_INFINITY);
    expect(parallel).toEqual(here);
    for (const [i, text] of texts.entries()) expect(parallel[i]?.tokens).toBe(await countTokens(text));
    expect(parallel.filter((c) => c.empty)).toHaveLength(1);
    expect(parallel[217]?.empty).toBe(true);
  },
);

test("a target that cannot be read fails the count with the first such target's error", async ({
  dir,
  outside,
}) => {
  const { counts, Workspace } = await built();
  const workspace = new Workspace(dir);
  const { paths } = targets(dir);
  writeFiles(outside, { "secret.md": "outside" });
  symlinkSync(path.join(outside, "secret.md"), path.join(dir, "stories", "link.md"));
  const broken = [...paths.slice(0, 300), "stories/link.md", ...paths.slice(300), "stories/gone.md"];
  const count = (await import("gpt-tokenizer/encoding/o200k_base")).countTokens;
  const here = counts.countTargets(workspace, broken, count, Number.POSITIVE_INFINITY);
  await expect(here).rejects.toThrow("target `stories/link.md` leaves the workspace through a symbolic link");
  await expect(counts.countTargets(workspace, broken, count, 1)).rejects.toThrow(
    "target `stories/link.md` leaves the workspace through a symbolic link",
  );
  await expect(counts.countTargets(workspace, [...paths, "stories/gone.md"], count, 1)).rejects.toThrow(
    "target `stories/gone.md` does not exist",
  );
});
