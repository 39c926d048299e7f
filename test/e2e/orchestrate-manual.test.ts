import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { CLI, roleYaml, writeFiles } from "../helpers/temp.js";

// `baton orchestrate` without --launcher: it prints the prompts to run by hand and waits in
// monitor mode; when a person writes the deliverables it validates and goes on. The test waits for
// the orchestrator's own lines and its exit, never on a timer.

const WORKFLOW = `workflow:
  name: manual
  description: One note written by hand
  iterations:
    - name: note
      goal: Write the note
      agents:
        - role: writer
          deliverables: ["notes/note.md"]
      completion_criteria:
        - { check: headings, deliverable: "notes/note.md", headings: ["Result"] }
`;

const NOTE = `# Note\n\n## Result\n\n${"A person wrote this note by hand while Baton waited. ".repeat(6)}\n`;

describe("baton orchestrate without a launcher", () => {
  test("prints the prompt to run by hand, waits for the deliverable, then validates and completes", async ({
    dir,
    spawnNode,
  }) => {
    writeFiles(dir, {
      ".baton/workflows/manual.yaml": WORKFLOW,
      ".baton/roles/writer.yaml": roleYaml("writer"),
    });
    const orchestrator = spawnNode([CLI, "-w", dir, "orchestrate", "manual", "--interval", "0.05"]);
    orchestrator.child.stdin.end();
    let wrote = false;
    orchestrator.child.stdout.on("data", () => {
      if (!wrote && orchestrator.stdout().includes("waiting for the deliverables")) {
        wrote = true;
        writeFiles(dir, { "notes/note.md": NOTE });
      }
    });
    const { code, stdout } = await orchestrator.done;
    expect(stdout).toContain("no --launcher: give each prompt to an agent of its role");
    expect(stdout).toMatch(/writer: iterations\/manual-1\/01-note\/agent-prompts\/writer-01\.md/);
    expect(stdout).toContain("validation PASSED");
    expect(stdout).toContain("run manual-1 completed");
    expect(code).toBe(0);
  });
});
