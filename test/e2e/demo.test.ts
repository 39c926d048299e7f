import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { parse as parseYaml } from "yaml";
import { defaultStoreFile, openStore } from "../../src/store/index.js";
import { runCli } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { CLI, REPO_ROOT } from "../helpers/temp.js";

// `npm run demo` is `node dist/cli.js demo`: the whole orchestration with the stand-in agent.

const WORKFLOW = "user-story-refinement";
const LESSON = 'requirements.md must contain the heading "## Acceptance Criteria": 2 of 10 missed it';

let dir: string;
let result: { code: number | null; stdout: string; stderr: string };

// One demo for the file: every test reads what it left.
test.beforeAll(async ({ sharedDir }) => {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  dir = sharedDir;
  result = await runCli(["demo", "--dir", dir], REPO_ROOT);
}, 60_000);

const run1 = () => path.join(dir, "iterations", `${WORKFLOW}-1`, "01-requirements-analysis");
const run2 = () => path.join(dir, "iterations", `${WORKFLOW}-2`, "01-requirements-analysis");

describe("baton demo", () => {
  test("exits 0, labels the stand-in, and names the learnings file and a lesson", () => {
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const { stdout } = result;
    expect(stdout).toContain("STAND-IN");
    expect(stdout).toMatch(
      /requirements-analysis \(user-story-refinement-1-i01\)\s+passed\s+1\s+1\s+0\s+1\s+0/,
    );
    expect(stdout).toContain(`run ${WORKFLOW}-1 completed`);
    expect(stdout).toContain(path.join(dir, ".baton", "learnings", `${WORKFLOW}.yaml`));
    expect(stdout).toMatch(new RegExp(`^\\s+- ${escapeRegExp(LESSON)}`, "m"));
    expect(stdout).toContain(path.join(run1(), "agent-prompts", "product-analyst-01-rework-1.md"));
  });

  test("leaves the rework prompt, VALIDATION.md and FEEDBACK.md of the failed-then-reworked iteration", () => {
    const rework = readFileSync(path.join(run1(), "agent-prompts", "product-analyst-01-rework-1.md"), "utf8");
    expect(rework).toMatch(
      /\*\*headings\*\*: stories\/US-3\/requirements.md: missing heading "Acceptance Criteria"/,
    );
    expect(rework).toMatch(/\*\*headings\*\*: stories\/US-7\/requirements.md: /);
    const validation = readFileSync(path.join(run1(), "VALIDATION.md"), "utf8");
    expect(validation).toContain("**PASSED**");
    const feedback = readFileSync(path.join(run1(), "FEEDBACK.md"), "utf8");
    expect(feedback).toContain(LESSON);
    // The reworked deliverables are complete now, titled once by their id.
    const us3 = readFileSync(path.join(dir, "stories", "US-3", "requirements.md"), "utf8");
    expect(us3).toContain("## Acceptance Criteria");
    expect(us3.split("\n")[0]).toBe("# Requirements — US-3: Invoice history");
  });

  test("writes an enabled Acceptance Criteria reminder to the learnings file", () => {
    const file = path.join(dir, ".baton", "learnings", `${WORKFLOW}.yaml`);
    const { learnings } = parseYaml(readFileSync(file, "utf8")) as {
      learnings: { id: string; enabled: boolean; kind: string; role?: string; text: string }[];
    };
    const reminder = learnings.find((l) => l.kind === "reminder" && l.text.includes("Acceptance Criteria"));
    expect(reminder).toMatchObject({ enabled: true, role: "product_analyst" });
    expect(reminder?.text).toContain(LESSON);
  });

  test("the second run's product-analyst prompt carries the lesson; the first run's did not", () => {
    const prompts = readdirSync(path.join(run2(), "agent-prompts")).filter((f) =>
      f.startsWith("product-analyst"),
    );
    expect(prompts.length).toBeGreaterThan(0);
    for (const name of prompts) {
      const prompt = readFileSync(path.join(run2(), "agent-prompts", name), "utf8");
      expect(prompt).toContain("Lessons from earlier iterations");
      expect(prompt).toContain(LESSON);
    }
    const before = readFileSync(path.join(run1(), "agent-prompts", "product-analyst-01.md"), "utf8");
    expect(before).not.toContain("Lessons from earlier iterations");
    const manifest = JSON.parse(readFileSync(path.join(run2(), "manifest.json"), "utf8")) as {
      learnings_applied: { id: string; text: string }[];
    };
    expect(manifest.learnings_applied.some((l) => l.text.includes(LESSON))).toBe(true);
  });

  test("records the rework in the store and completes the first run", () => {
    const store = openStore(defaultStoreFile(dir));
    try {
      const runs = store.listRuns();
      expect(runs.map((r) => [r.id, r.status])).toEqual([
        [`${WORKFLOW}-1`, "completed"],
        [`${WORKFLOW}-2`, "active"],
      ]);
      const reworks = store.listEvents({ run_id: `${WORKFLOW}-1` }).filter((e) => e.kind === "rework");
      expect(reworks.map((e) => e.assignment_id)).toEqual([`${WORKFLOW}-1-i01/product-analyst-01`]);
    } finally {
      store.close();
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
