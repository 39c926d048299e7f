import { execFile } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { claimAssignment } from "../../src/engine/claim.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { openEngine } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { itemsWorkflow, NOTE_PER_ITEM } from "../helpers/items.js";
import { CLI, writeFiles } from "../helpers/temp.js";

// #12 item 4: `kill -9` between committing assignments and writing their prompts. The crash is
// real: BATON_FAULT=after-assignments makes the spawned `baton generate` SIGKILL itself right after
// the assignments commit (src/engine/fault.ts).

/** Runs `baton generate` that kills itself after the assignments commit; resolves with its pid and signal. */
function crashingGenerate(dir: string): Promise<{ pid: number; signal: string | null }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, "-w", dir, "generate", "--workflow", "notes"],
      { env: { ...process.env, BATON_FAULT: "after-assignments" } },
      (error) =>
        resolve({ pid: child.pid ?? 0, signal: (error as { signal?: string } | null)?.signal ?? null }),
    );
  });
}

describe("a crash between assignments and prompts (#12 item 4)", () => {
  test("claims hand out no missing prompt; regeneration writes them and cleans temp files", async ({
    dir,
  }) => {
    writeFiles(dir, {
      ".baton/workflows/notes.yaml": itemsWorkflow("notes", NOTE_PER_ITEM),
      "items/a.md": "# A\n",
      "items/b.md": "# B\n",
      "items/c.md": "# C\n",
    });
    const crash = await crashingGenerate(dir);
    expect(crash.signal).toBe("SIGKILL");

    const { engine, store, close } = openEngine(dir);
    try {
      const [iteration] = store.listIterations();
      const id = iteration?.id ?? "";
      const promptDir = path.join(dir, iteration?.path ?? "", "agent-prompts");
      expect(store.listAssignments(id)).toHaveLength(3);
      expect(existsSync(promptDir) ? readdirSync(promptDir).filter((f) => f.endsWith(".md")) : []).toEqual(
        [],
      );
      // What a kill inside writeFileAtomic leaves behind, from the dead process.
      const stray = path.join(promptDir, `developer-01.md.${crash.pid}.0badf00d.tmp`);
      writeFiles(dir, { [path.relative(dir, stray)]: "half a prompt" });

      // A claim undoes itself and says what to do; no ENOENT, no absolute path, no lease burnt.
      for (let i = 0; i < 2; i++) {
        let message = "";
        try {
          claimAssignment(engine, { agent: "a1" });
        } catch (error) {
          message = (error as Error).message;
        }
        expect(message).toMatch(
          /was never written \(prompt generation was interrupted\); call generate_prompts with iteration_id/,
        );
        expect(message).not.toContain(dir);
        expect(message).not.toContain("ENOENT");
      }
      expect(store.listAssignments(id).map((a) => [a.state, a.attempts, a.claimed_at])).toEqual([
        ["pending", 0, null],
        ["pending", 0, null],
        ["pending", 0, null],
      ]);

      await generatePrompts(engine, { iteration_id: id });
      expect(existsSync(stray)).toBe(false);
      const claimed = claimAssignment(engine, { agent: "a1" });
      expect(claimed.prompt).toContain("notes/a.md");

      // Another prompt lost while work is in progress: regeneration writes it, the claim stays.
      const lost = store.listAssignments(id).find((a) => a.id !== claimed.assignment_id);
      rmSync(path.join(dir, lost?.prompt_path ?? ""));
      await generatePrompts(engine, { iteration_id: id });
      expect(existsSync(path.join(dir, lost?.prompt_path ?? ""))).toBe(true);
      expect(store.listAssignments(id).find((a) => a.id === claimed.assignment_id)?.state).toBe("claimed");
    } finally {
      close();
    }
  });
});
