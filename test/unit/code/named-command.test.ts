import { afterEach, describe, expect, it } from "vitest";
import { commandsAllowed } from "../../../src/config/operator.js";
import { checkSchema } from "../../../src/config/schema.js";
import { commandEnv } from "../../../src/engine/validate/command.js";
import type { ConcreteCheck } from "../../../src/engine/validate/types.js";
import { one, workspaceWith } from "../validate/helpers.js";

// `{ check: command, name }`: the operator's declared command, run in the check's working folder,
// with its test report read into the reason; skipped (saying why) when not allowed or optional.

const REPORT_FAILING = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testsuite name="sum">
    <testcase name="adds two numbers" classname="sum" file="test/sum.test.js" line="4">
      <failure message="Expected values to be strictly equal">Expected values to be strictly equal:

4 !== 5

    at TestContext.&lt;anonymous&gt; (test/sum.test.js:5:10)</failure>
    </testcase>
    <testcase name="adds zero" classname="sum" file="test/sum.test.js" line="8"/>
  </testsuite>
</testsuites>
`;
const REPORT_PASSING = `<testsuites><testsuite name="sum"><testcase name="adds zero" classname="sum"/></testsuite></testsuites>\n`;

const CONFIG = `commands:
  hello: echo hello from the workdir
  failing:
    run: cp fixture.xml out/junit.xml; exit 1
    report: { junit: out/junit.xml }
  broken-setup:
    run: cp passing.xml out/junit.xml; exit 2
    report: { junit: out/junit.xml }
  where: cat marker.txt
  secrets: echo "token=[$BATON_TOKEN] db=[$BATON_DB] path-set=[\${PATH:+yes}]"
`;

const named = (name: string, extra: Partial<ConcreteCheck> = {}) =>
  ({ check: "command", name, ...extra }) as ConcreteCheck;

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe("command checks by name", () => {
  it("runs the declared command in the working folder given by the check context", async () => {
    const ws = workspaceWith({ ".baton/config.yaml": CONFIG });
    const workdir = workspaceWith({ "marker.txt": "in the worktree\n" });
    expect(await one(ws, named("where"), { allowCommands: true, workdir })).toEqual({
      check: "command",
      status: "passed",
      reason: "`where` (`cat marker.txt`) exited 0; output:\nin the worktree",
    });
  });

  it("never shows a command Baton's BATON_* variables (the token above all)", async () => {
    process.env.BATON_TOKEN = "s3cret-token-value";
    process.env.BATON_DB = "/somewhere/baton.db";
    const ws = workspaceWith({ ".baton/config.yaml": CONFIG });
    const byName = await one(ws, named("secrets"), { allowCommands: true });
    expect(byName.status).toBe("passed");
    expect(byName.reason).toContain("token=[] db=[] path-set=[yes]");
    expect(byName.reason).not.toContain("s3cret");
    const inline = await one(ws, { check: "command", run: 'echo "[$BATON_TOKEN]"' } as ConcreteCheck, {
      allowCommands: true,
    });
    expect(inline.reason).toBe('`echo "[$BATON_TOKEN]"` exited 0; output:\n[]');
    expect(commandEnv({ BATON_TOKEN: "x", baton_model: "y", HOME: "/h" })).toEqual({ HOME: "/h" });
  });

  it("names each failing test of the command's report, with its file and first message lines", async () => {
    const ws = workspaceWith({ ".baton/config.yaml": CONFIG, "fixture.xml": REPORT_FAILING });
    const result = await one(ws, named("failing"), { allowCommands: true });
    expect(result).toMatchObject({ status: "failed", miss: { expected: 0, found: 1 } });
    expect(result.reason).toBe(
      [
        "`failing` (`cp fixture.xml out/junit.xml; exit 1`) exited with code 1",
        "1 of 2 tests failed (report out/junit.xml):",
        "- adds two numbers (test/sum.test.js:4)",
        "    Expected values to be strictly equal:",
        "    4 !== 5",
      ].join("\n"),
    );
  });

  it("says so when the command failed but its report lists no failing test", async () => {
    const ws = workspaceWith({ ".baton/config.yaml": CONFIG, "passing.xml": REPORT_PASSING });
    const result = await one(ws, named("broken-setup"), { allowCommands: true });
    expect(result.status).toBe("failed");
    expect(result.reason).toContain(
      "`broken-setup` exited with code 2 but its report out/junit.xml lists no failing test (1 test ran): the failure is outside the tests",
    );
  });

  it("is skipped, never passed, when the operator did not allow commands", async () => {
    const ws = workspaceWith({ ".baton/config.yaml": CONFIG });
    expect(await one(ws, named("hello"))).toEqual({
      check: "command",
      status: "skipped",
      reason:
        "`hello` (`echo hello from the workdir`) not run: commands are disabled; the operator enables them with --allow-commands or BATON_ALLOW_COMMANDS=1",
    });
  });

  it("fails on an undeclared name, listing the declared ones; optional ones are skipped instead", async () => {
    const ws = workspaceWith({ ".baton/config.yaml": CONFIG });
    expect(await one(ws, named("test"), { allowCommands: true })).toMatchObject({
      status: "failed",
      reason:
        "command `test` is not declared in .baton/config.yaml; declared commands: `hello`, `failing`, `broken-setup`, `where`, `secrets`",
    });
    expect(await one(ws, named("test", { optional: true }), { allowCommands: true })).toEqual({
      check: "command",
      status: "skipped",
      reason: "no command `test` declared in .baton/config.yaml",
    });
    const bare = workspaceWith();
    expect((await one(bare, named("test"))).reason).toBe(
      "command `test` is not declared: there is no .baton/config.yaml; the operator declares commands there under `commands:`",
    );
    const broken = workspaceWith({ ".baton/config.yaml": "commands:\n  test: { runs: x }\n" });
    const result = await one(broken, named("test"), { allowCommands: true });
    expect(result.status).toBe("failed");
    expect(result.reason).toMatch(/^command `test` cannot be looked up: \.baton\/config\.yaml:2:\d+: /);
  });

  it("takes `run` or `name`, not both; `optional` only with `name`", () => {
    const issues = (check: Record<string, unknown>) =>
      checkSchema
        .safeParse({ check: "command", ...check })
        .error?.issues.map((i) => [i.path.join("."), i.message]);
    const both =
      "check `command` needs `run` (a shell command line) or `name` (a command declared in .baton/config.yaml), not both";
    expect(issues({ run: "npm test", name: "test" })).toEqual([["run", both]]);
    expect(issues({})).toEqual([["name", both]]);
    expect(issues({ run: "npm test", optional: true })).toEqual([
      ["optional", "`optional` applies to a declared command (`name`), not to `run`"],
    ]);
    expect(issues({ name: "Test Suite" })?.[0]?.[1]).toContain("command names are lowercase letters");
    expect(issues({ name: "test", optional: true, timeout_s: 30 })).toBeUndefined();
  });

  it("lets the operator allow commands by flag or by BATON_ALLOW_COMMANDS=1", () => {
    expect(commandsAllowed(true, {})).toBe(true);
    expect(commandsAllowed(undefined, { BATON_ALLOW_COMMANDS: "1" })).toBe(true);
    expect(commandsAllowed(false, { BATON_ALLOW_COMMANDS: "0" })).toBe(false);
    expect(commandsAllowed(undefined, {})).toBe(false);
  });
});

describe("baton check", () => {
  it("reports a workflow's command names the operator did not declare; optional ones pass", async () => {
    const { checkCommand } = await import("../../../src/commands/config-commands.js");
    const ws = workspaceWith({
      ".baton/config.yaml": CONFIG,
      "wf.yaml": `workflow:
  name: wf
  description: Code
  iterations:
    - name: build
      goal: Build it
      agents: [{ role: developer, deliverables: ["src/a.js"] }]
      completion_criteria:
        - { check: command, name: deploy }
        - { check: command, name: typecheck, optional: true }
        - { check: command, name: hello }
`,
    });
    const lines: string[] = [];
    const out = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
    const file = `${ws.root}/wf.yaml`;
    expect(checkCommand([file], ws.root, out)).toBe(1);
    expect(lines[0]).toBe(
      `${file}: iteration \`build\`: command \`deploy\` is not declared (declared commands: \`hello\`, \`failing\`, \`broken-setup\`, \`where\`, \`secrets\`)`,
    );
  });
});
