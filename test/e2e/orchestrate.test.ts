import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect } from "vitest";
import type { Store } from "../../src/store/api.js";
import { defaultStoreFile, openStore } from "../../src/store/index.js";
import { test as base } from "../helpers/fixtures.js";
import { gitRepo, git as runGit } from "../helpers/git.js";
import type { startNode } from "../helpers/processes.js";
import { CLI, REPO_ROOT, roleYaml, writeFiles } from "../helpers/temp.js";

// `baton orchestrate` on the built CLI with a fake agent as launcher (test/fixtures/fake-agent.mjs):
// real processes, real SQLite, real files. Nothing here sleeps: it awaits process exits and
// stdout lines; the orchestrator's own polling finds the stall.

const FAKE_AGENT = path.join(REPO_ROOT, "test", "fixtures", "fake-agent.mjs");
const LAUNCHER = `${shellWord(process.execPath)} ${shellWord(FAKE_AGENT)} {assignment} {prompt}`;

const workflowYaml = `workflow:
  name: relay
  description: Draft a text per topic, then review the drafts
  max_attempts: 2
  iterations:
    - name: drafting
      goal: Draft one text per topic
      agents:
        - role: writer
          targets: ["topics/*.md"]
          deliverables: ["drafts/{topic_id}.md"]
      completion_criteria:
        - { check: headings, deliverable: "drafts/{topic_id}.md", headings: ["Result"] }
    - name: review
      goal: Review every draft
      dependencies: [drafting]
      agents:
        - role: reviewer
          targets: ["drafts/*.md"]
          deliverables: ["reviews/{draft_id}.md"]
      completion_criteria:
        - { check: headings, deliverable: "reviews/{draft_id}.md", headings: ["Result"] }
`;

interface Launch {
  pid: number;
  assignment: string;
  iteration: string;
  role: string;
  attempt: number;
  deliverables: string[];
  prompt: string;
  prompt_exists: boolean;
  argv: string[];
  workdir: string;
  cwd: string;
  behaviour: "write" | "stall" | "incomplete" | "block";
}

interface Setup {
  workspace: string;
  state: string;
  log: string;
  env: NodeJS.ProcessEnv;
}

/** The relay workspace; the fake agent's state and log outside it, a blocked agent released after the test. */
const test = base.extend<{ s: Setup }>({
  s: async ({ dir, outside }, use) => {
    const log = path.join(outside, "launches.jsonl");
    writeFileSync(log, "");
    try {
      await use({
        workspace: dir,
        state: outside,
        log,
        env: { ...process.env, FAKE_AGENT_LOG: log, FAKE_AGENT_STATE: outside },
      });
    } finally {
      writeFileSync(path.join(outside, "release"), "");
    }
  },
});

test.override({
  files: {
    ".baton/roles/writer.yaml": roleYaml("writer", 30000, 1),
    ".baton/roles/reviewer.yaml": roleYaml("reviewer", 30000, 5),
    ".baton/workflows/relay.yaml": workflowYaml,
    "topics/alpha.md": "# Alpha\n\nThe first topic.\n",
    "topics/beta.md": "# Beta\n\nThe second topic.\n",
    "topics/gamma.md": "# Gamma\n\nThe third topic.\n",
  },
});

const launches = (s: Setup): Launch[] =>
  readFileSync(s.log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Launch);

function orchestrateArgs(s: Setup, extra: string[] = []): string[] {
  return [
    CLI,
    "-w",
    s.workspace,
    "orchestrate",
    "relay",
    "--launcher",
    LAUNCHER,
    "--parallel",
    "4",
    "--interval",
    "0.2",
    ...extra,
  ];
}

/** Spawns the CLI through the test's `spawnNode`; `onLine` sees each stdout line as it arrives. */
function start(
  spawnNode: typeof startNode,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string, child: ChildProcess) => void = () => {},
): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null; stdout: string }> } {
  const { child, done } = spawnNode(args, { env });
  child.stdin.end();
  let pending = "";
  child.stdout.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line, child);
  });
  const exited = done.then(({ code, signal, stdout, stderr }) => {
    if (code !== 0 && stderr) process.stderr.write(stderr);
    return { code, signal, stdout };
  });
  return { child, exited };
}

/** The summary table's row of an iteration: state, assignments, passed, failed, reworks, stall restarts. */
function summaryRow(stdout: string, iteration: string): string[] {
  const line = stdout.split("\n").find((l) => l.startsWith(`${iteration} (`));
  expect(line, `no summary row for ${iteration} in:\n${stdout}`).toBeDefined();
  return (line as string).split(/\s{2,}/).slice(1);
}

function readStore<T>(workspace: string, body: (store: Store) => T): T {
  const store = openStore(defaultStoreFile(workspace));
  try {
    return body(store);
  } finally {
    store.close();
  }
}

beforeAll(() => {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
});

describe("baton orchestrate with a fake launcher", () => {
  test("with --isolate runs each agent in its own git worktree and merges every passed assignment", async ({
    s,
    spawnNode,
  }) => {
    writeFiles(s.workspace, { ".gitignore": ".baton/\niterations/\n" });
    gitRepo(s.workspace);
    const git = (...args: string[]) => runGit(s.workspace, ...args);

    const { exited } = start(spawnNode, orchestrateArgs(s, ["--isolate"]), s.env);
    const { code, stdout } = await exited;
    expect(code, stdout).toBe(0);

    // Three writers (one topic each), then one reviewer; each ran in its worktree, not the workspace.
    const all = launches(s);
    expect(all.map((l) => l.role).sort()).toEqual(["reviewer", "writer", "writer", "writer"]);
    const root = realpathSync(s.workspace);
    for (const l of all) {
      const local = l.assignment.slice(l.assignment.indexOf("/") + 1);
      const seq = l.role === "writer" ? "i01" : "i02";
      expect(l.workdir).toMatch(new RegExp(`/\\.baton/worktrees/relay-[^/]+/${seq}/${local}$`));
      // The worktree is gone after its merge; the agent ran inside it.
      expect(l.cwd).toBe(path.join(root, l.workdir.slice(l.workdir.indexOf("/.baton/") + 1)));
    }

    // Every deliverable reached the workspace through a merge into main: committed, nothing left over.
    for (const topic of ["alpha", "beta", "gamma"]) {
      expect(readFileSync(path.join(s.workspace, "drafts", `${topic}.md`), "utf8")).toContain("## Result");
      expect(readFileSync(path.join(s.workspace, "reviews", `${topic}.md`), "utf8")).toContain("## Result");
    }
    expect(git("status", "--porcelain", "--", "drafts", "reviews")).toBe("");
    expect(git("log", "--merges", "--format=%s", "main").trim().split("\n")).toHaveLength(4);
    expect(git("worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
    expect(git("branch", "--list", "baton/*")).toBe("");
  });

  test("stops and re-queues a stalled agent, reworks a failed one, and completes", async ({
    s,
    spawnNode,
  }) => {
    const env = {
      ...s.env,
      FAKE_AGENT_STALL: "drafts/alpha.md",
      FAKE_AGENT_INCOMPLETE: "drafts/beta.md",
    };
    const { exited } = start(spawnNode, orchestrateArgs(s, ["--stall-minutes", "0.08"]), env);
    const { code, stdout } = await exited;
    expect(code, stdout).toBe(0);

    const all = launches(s);
    const writing = (file: string) => all.filter((l) => l.deliverables.includes(file));

    // Stalled on the first launch, stopped, re-queued and launched again (same attempt).
    const stalled = all.filter((l) => l.behaviour === "stall");
    expect(stalled).toHaveLength(1);
    const stallId = stalled[0]?.assignment as string;
    expect(stalled[0]?.deliverables).toEqual(["drafts/alpha.md"]);
    expect(writing("drafts/alpha.md").map((l) => [l.behaviour, l.attempt])).toEqual([
      ["stall", 1],
      ["write", 1],
    ]);
    expect(stdout).toContain(`⏸ ${stallId} stalled (no deliverable change); stopped and re-queued`);

    // Failed validation, then passed on rework with BATON_ATTEMPT=2 and the rework prompt.
    const incomplete = all.filter((l) => l.behaviour === "incomplete");
    expect(incomplete).toHaveLength(1);
    const reworkId = incomplete[0]?.assignment as string;
    const reworkLaunches = writing("drafts/beta.md");
    const localId = reworkId.slice(reworkId.indexOf("/") + 1);
    expect(reworkLaunches.map((l) => [l.behaviour, l.attempt, l.prompt])).toEqual([
      ["incomplete", 1, `${localId}.md`],
      ["write", 2, `${localId}-rework-1.md`],
    ]);
    expect(stdout).toContain(`▶ ${localId} (writer), attempt 2`);
    expect(readFileSync(path.join(s.workspace, "drafts", "beta.md"), "utf8")).toContain("(attempt 2)");

    // Every launch got an existing prompt file, and {assignment} {prompt} on its command line.
    for (const l of all) {
      expect(l.prompt_exists).toBe(true);
      expect(l.argv[0]).toBe(l.assignment);
      expect(path.basename(l.argv[1] ?? "")).toBe(l.prompt);
    }
    // The third writer and the reviewer ran once each.
    expect(all).toHaveLength(6);
    expect(writing("drafts/gamma.md").map((l) => [l.behaviour, l.attempt])).toEqual([["write", 1]]);
    expect(all.filter((l) => l.role === "reviewer").map((l) => l.behaviour)).toEqual(["write"]);

    // The summary table shows the rework and the stall restart.
    expect(stdout).toMatch(
      /iteration\s+state\s+assignments\s+passed\s+failed\s+reworks\s+stall restarts\s+tokens used/,
    );
    expect(summaryRow(stdout, "drafting")).toEqual(["passed", "3", "3", "0", "1", "1", "0"]);
    expect(summaryRow(stdout, "review")).toEqual(["passed", "1", "1", "0", "0", "0", "0"]);
    expect(stdout).toContain("completed: every iteration passed validation");

    const { events, runs } = readStore(s.workspace, (store) => ({
      events: store.listEvents(),
      runs: store.listRuns(),
    }));
    expect(runs.map((r) => r.status)).toEqual(["completed"]);
    const requeued = events.filter((e) => e.kind === "stall_requeued");
    expect(requeued.map((e) => [e.assignment_id, e.data.restart])).toEqual([[stallId, 1]]);
    const reworks = events.filter((e) => e.kind === "rework");
    expect(reworks.map((e) => [e.assignment_id, e.data.attempt])).toEqual([[reworkId, 1]]);
    expect(events.some((e) => e.kind === "stall_failed" || e.kind === "assignment_failed")).toBe(false);

    const prompts = path.join(s.workspace, "iterations", runs[0]?.id ?? "", "01-drafting", "agent-prompts");
    expect(readFileSync(path.join(prompts, `${localId}-rework-1.md`), "utf8")).toContain('"Result"');
  });

  test("resumes the same run after a kill -9 without redoing the iteration that passed", async ({
    s,
    spawnNode,
  }) => {
    let runId = "";
    let sawReviewerLaunch = false;
    const first = start(
      spawnNode,
      orchestrateArgs(s),
      { ...s.env, FAKE_AGENT_BLOCK: "i02" },
      (line, child) => {
        const started = /^started run (\S+) of relay$/.exec(line);
        if (started) runId = started[1] as string;
        // Iteration 2's agent was launched (it blocks): iteration 1 has passed by now.
        if (/^\s+▶ reviewer-01 \(reviewer\)/.test(line) && !sawReviewerLaunch) {
          sawReviewerLaunch = true;
          child.kill("SIGKILL");
        }
      },
    );
    const killed = await first.exited;
    expect(killed.signal).toBe("SIGKILL");
    expect(sawReviewerLaunch).toBe(true);
    expect(runId).toMatch(/^relay-\d+$/);
    expect(killed.stdout).toMatch(/validation PASSED/);
    // Release the orphaned, blocked agent: it exits without writing.
    writeFileSync(path.join(s.state, "release"), "");

    const before = readStore(s.workspace, (store) => ({
      iterations: store.listIterations(runId).map((it) => [it.name, it.state]),
      claimed: store
        .listIterations(runId)
        .flatMap((it) => store.listAssignments(it.id))
        .filter((a) => a.state === "claimed")
        .map((a) => a.id),
    }));
    expect(before.iterations).toEqual([
      ["drafting", "passed"],
      ["review", "generated"],
    ]);
    expect(before.claimed).toEqual([`${runId}-i02/reviewer-01`]);
    const firstLaunches = launches(s);
    const drafting = firstLaunches.filter((l) => l.iteration === `${runId}-i01`);
    expect(drafting).toHaveLength(3);

    const second = start(spawnNode, orchestrateArgs(s), s.env);
    const { code, stdout } = await second.exited;
    expect(code, stdout).toBe(0);
    expect(stdout).toContain(`resuming run ${runId}`);
    expect(stdout).toContain(`released ${runId}-i02/reviewer-01 (its orchestrator is gone)`);
    expect(stdout).not.toContain("iteration drafting");

    const all = launches(s);
    expect(all.filter((l) => l.iteration === `${runId}-i01`)).toEqual(drafting);
    // The killed run's blocked agent may log its launch late; the resumed run launched one writer.
    const review = all.filter((l) => l.iteration === `${runId}-i02`);
    expect(review.filter((l) => l.behaviour === "write").map((l) => [l.assignment, l.attempt])).toEqual([
      [`${runId}-i02/reviewer-01`, 1],
    ]);
    expect(review.filter((l) => l.behaviour === "block").length).toBeLessThanOrEqual(1);
    expect(all).toHaveLength(review.length + drafting.length);
    expect(summaryRow(stdout, "drafting")).toEqual(["passed", "3", "3", "0", "0", "0", "0"]);
    expect(summaryRow(stdout, "review")).toEqual(["passed", "1", "1", "0", "0", "0", "0"]);

    const runs = readStore(s.workspace, (store) => store.listRuns());
    expect(runs.map((r) => [r.id, r.status])).toEqual([[runId, "completed"]]);
    expect(existsSync(path.join(s.workspace, "reviews", "alpha.md"))).toBe(true);
  });
});

function shellWord(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
