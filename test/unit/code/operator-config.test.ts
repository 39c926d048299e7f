import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { loadOperatorConfig, operatorCommand, parseOperatorConfig } from "../../../src/config/operator.js";
import { Workspace } from "../../../src/config/workspace.js";
import { ConfigError, UserError } from "../../../src/errors.js";
import { test } from "../../helpers/fixtures.js";
import { writeFiles } from "../../helpers/temp.js";

let dir: string;
test.beforeEach(({ dir: workspace }) => {
  dir = workspace;
});

function errorOf(text: string): string {
  try {
    parseOperatorConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

describe("operator config (.baton/config.yaml)", () => {
  test("loads named commands from the workspace, in full and shorthand forms", () => {
    writeFiles(dir, {
      ".baton/config.yaml": `commands:
  test:
    run: node --test --test-reporter=junit --test-reporter-destination=.baton/reports/junit.xml test/
    timeout_s: 300
    report: { junit: .baton/reports/junit.xml }
  typecheck: { run: npx tsc --noEmit }
  lint: npm run lint
`,
    });
    const config = loadOperatorConfig(new Workspace(dir));
    expect(config.file).toBe(".baton/config.yaml");
    expect([...config.commands.keys()]).toEqual(["test", "typecheck", "lint"]);
    expect(operatorCommand(config, "test")).toEqual({
      name: "test",
      run: "node --test --test-reporter=junit --test-reporter-destination=.baton/reports/junit.xml test/",
      timeout_s: 300,
      report: { junit: ".baton/reports/junit.xml" },
    });
    expect(operatorCommand(config, "typecheck")).toEqual({ name: "typecheck", run: "npx tsc --noEmit" });
    expect(operatorCommand(config, "lint")).toEqual({ name: "lint", run: "npm run lint" });
  });

  test("treats a missing or empty file as no commands, and says so when a command is asked for", () => {
    const missing = loadOperatorConfig(new Workspace(dir));
    expect(missing).toEqual({ file: null, commands: new Map() });
    expect(() => operatorCommand(missing, "test")).toThrow(
      "command `test` is not declared: there is no .baton/config.yaml",
    );
    writeFiles(dir, { ".baton/config.yaml": "# nothing yet\n" });
    expect(loadOperatorConfig(new Workspace(dir)).commands.size).toBe(0);
  });

  test("refuses a config file that links out of the workspace", ({ outside }) => {
    writeFiles(outside, { "config.yaml": "commands:\n  test: rm -rf /\n" });
    mkdirSync(path.join(dir, ".baton"));
    symlinkSync(path.join(outside, "config.yaml"), path.join(dir, ".baton", "config.yaml"));
    expect(() => loadOperatorConfig(new Workspace(dir))).toThrow(
      "operator config `.baton/config.yaml` leaves the workspace through a symbolic link",
    );
  });

  test("names the declared commands when an unknown one is asked for", () => {
    const config = parseOperatorConfig("commands:\n  test: npm test\n  typecheck: npx tsc --noEmit\n");
    let caught: unknown;
    try {
      operatorCommand(config, "tests");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as Error).message).toBe(
      "command `tests` is not declared in .baton/config.yaml; declared commands: `test`, `typecheck`",
    );
  });

  test("refuses unknown keys at their line and column, naming the valid keys", () => {
    expect(errorOf("commands:\n  test:\n    run: npm test\n    timeout: 30\n")).toBe(
      ".baton/config.yaml:4:5: unknown key `timeout`; valid keys: run, timeout_s, report, description",
    );
    expect(errorOf("command:\n  test: npm test\n")).toBe(
      ".baton/config.yaml:1:1: unknown key `command`; valid keys: commands",
    );
    expect(errorOf("commands:\n  test:\n    run: npm test\n    report: { html: out.html }\n")).toContain(
      ".baton/config.yaml:4:15: unknown key `html`; valid keys: junit, tap",
    );
    expect(errorOf("commands:\n  test:\n    run: npm test\n    report: { junit: a.xml, tap: a.tap }\n")).toBe(
      ".baton/config.yaml:4:13: `commands.test.report`: give the report's format and path: `junit: <path>` or `tap: <path>`, one of them",
    );
    expect(
      parseOperatorConfig(
        "commands:\n  test:\n    run: npm test\n    report: { tap: out.tap }\n",
      ).commands.get("test")?.report,
    ).toEqual({ tap: "out.tap" });
  });

  test("locates bad values: empty run, bad timeout, unsafe report path, bad name, YAML syntax", () => {
    expect(errorOf('commands:\n  test:\n    run: ""\n')).toBe(
      ".baton/config.yaml:3:10: `commands.test.run`: must not be empty",
    );
    expect(errorOf("commands:\n  test:\n    run: npm test\n    timeout_s: -1\n")).toMatch(
      /^\.baton\/config\.yaml:4:16: `commands\.test\.timeout_s`: /,
    );
    expect(errorOf("commands:\n  test:\n    run: npm test\n    report: { junit: ../out.xml }\n")).toBe(
      ".baton/config.yaml:4:22: `commands.test.report.junit`: path `../out.xml` contains `..` and could leave the workspace",
    );
    expect(errorOf("commands:\n  Test Suite: npm test\n")).toContain("command names are lowercase letters");
    expect(errorOf("commands:\n  test: [unclosed\n")).toMatch(/^\.baton\/config\.yaml:\d+:\d+: YAML: /);
  });
});
