import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import {
  AGENT_PRESETS,
  type AgentPreset,
  buildLaunchCommand,
  isAgentPreset,
  launchTemplate,
  modelProblem,
  parseUsage,
  unknownPresetMessage,
} from "../../src/engine/agents/presets.js";
import { test } from "../helpers/fixtures.js";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "agent-output");
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), "utf8");

/**
 * A stand-in for every agent CLI: records its arguments and stdin, then prints a recorded sample
 * output. Only the CLI is fake; the command line goes through the real /bin/sh.
 */
const FAKE_CLI = `#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_DIR/argv"
cat > "$FAKE_DIR/stdin"
cat "$FAKE_OUTPUT"
`;

let dir: string;
// One folder of stand-ins for the file.
test.beforeAll(({ sharedDir }) => {
  dir = sharedDir;
  mkdirSync(path.join(dir, "bin"));
  for (const name of AGENT_PRESETS) {
    writeFileSync(path.join(dir, "bin", name), FAKE_CLI);
    chmodSync(path.join(dir, "bin", name), 0o755);
  }
});

/** Runs a preset's command in the temp workspace; returns what the CLI got and the log it printed. */
function run(command: string, output: string): { argv: string[]; stdin: string; log: string } {
  const log = execFileSync("/bin/sh", ["-c", command], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
      FAKE_DIR: dir,
      FAKE_OUTPUT: path.join(FIXTURES, output),
    },
  });
  const argv = readFileSync(path.join(dir, "argv"), "utf8").split("\n").slice(0, -1);
  return { argv, stdin: readFileSync(path.join(dir, "stdin"), "utf8"), log };
}

describe("launch commands", () => {
  const prompt = "# Prompt\nWrite stories/US-7/requirements.md.\n";
  const cases: Record<AgentPreset, { args: string[]; model: string; modelArgs: string[]; output: string }> = {
    claude: {
      args: ["-p", "--output-format", "json", "--permission-mode", "acceptEdits"],
      model: "claude-sonnet-4-5",
      modelArgs: [
        "-p",
        "--output-format",
        "json",
        "--permission-mode",
        "acceptEdits",
        "--model",
        "claude-sonnet-4-5",
      ],
      output: "claude.log",
    },
    codex: {
      args: ["exec", "--json", "--sandbox", "workspace-write", "-"],
      model: "gpt-5-codex",
      modelArgs: ["exec", "--json", "--sandbox", "workspace-write", "--model", "gpt-5-codex", "-"],
      output: "codex.log",
    },
    gemini: {
      args: ["--output-format", "json", "--approval-mode", "auto_edit"],
      model: "gemini-2.5-pro",
      modelArgs: ["--output-format", "json", "--approval-mode", "auto_edit", "--model", "gemini-2.5-pro"],
      output: "gemini.log",
    },
    opencode: {
      args: ["run", "--format", "json"],
      model: "anthropic/claude-sonnet-4-5",
      modelArgs: ["run", "--format", "json", "--model", "anthropic/claude-sonnet-4-5"],
      output: "opencode.log",
    },
  };

  for (const preset of AGENT_PRESETS) {
    test(`${preset}: headless with JSON output, the prompt on stdin, the model by the CLI's flag`, () => {
      const { args, model, modelArgs, output } = cases[preset];
      const promptFile = path.join(dir, "prompt.md");
      writeFileSync(promptFile, prompt);
      const plain = run(buildLaunchCommand(preset, { promptFile }), output);
      expect(plain.argv).toEqual(args);
      expect(plain.stdin).toBe(prompt);
      expect(parseUsage(preset, plain.log).usage?.input_tokens).toBeGreaterThan(0);
      expect(run(buildLaunchCommand(preset, { promptFile, model }), output).argv).toEqual(modelArgs);
    });
  }

  test("writes the exact command for --dry-run, quoting only what the shell would split", () => {
    const promptFile = ".baton/prompts/it-1/product_analyst-1.md";
    expect(buildLaunchCommand("claude", { promptFile, model: "opus" })).toBe(
      `claude -p --output-format json --permission-mode acceptEdits --model opus < ${promptFile}`,
    );
    const odd = "my prompts/it's 1.md";
    mkdirSync(path.join(dir, "my prompts"), { recursive: true });
    writeFileSync(path.join(dir, odd), prompt);
    const line = buildLaunchCommand("gemini", { promptFile: odd });
    expect(line).toBe(`gemini --output-format json --approval-mode auto_edit < 'my prompts/it'\\''s 1.md'`);
    expect(run(line, "gemini.log").stdin).toBe(prompt);
  });

  test("leaves {prompt} for the launcher to fill, as --launcher takes it", () => {
    expect(launchTemplate("codex", "o4-mini")).toBe(
      "codex exec --json --sandbox workspace-write --model o4-mini - < {prompt}",
    );
  });

  test("refuses a model the CLI cannot take, saying which form it needs", () => {
    expect(modelProblem("opencode", "claude-sonnet-4-5")).toBe(
      "opencode needs the model as provider/model (e.g. anthropic/claude-sonnet-4-5)",
    );
    expect(() => buildLaunchCommand("opencode", { promptFile: "p.md", model: "claude-sonnet-4-5" })).toThrow(
      "opencode needs the model as provider/model",
    );
    expect(modelProblem("opencode", undefined)).toBeUndefined();
    expect(modelProblem("claude", "sonnet")).toBeUndefined();
  });

  test("knows its presets and names them when the name is wrong", () => {
    expect(isAgentPreset("codex")).toBe(true);
    expect(isAgentPreset("cursor")).toBe(false);
    expect(unknownPresetMessage("cursor")).toBe(
      "unknown agent `cursor`; presets: claude, codex, gemini, opencode (or give a command with --launcher)",
    );
  });
});

describe("usage from recorded output", () => {
  test("claude: cache reads and writes are added to input; the cost is the CLI's", () => {
    expect(parseUsage("claude", fixture("claude.log"))).toEqual({
      usage: {
        input_tokens: 12 + 8421 + 53877,
        output_tokens: 2314,
        cache_read_tokens: 53877,
        cache_write_tokens: 8421,
        cost_usd: 0.1043,
      },
    });
  });

  test("claude: a run stopped by its turn limit still reports what it used", () => {
    expect(parseUsage("claude", fixture("claude-max-turns.log")).usage).toEqual({
      input_tokens: 40 + 12000 + 390000,
      output_tokens: 9800,
      cache_read_tokens: 390000,
      cache_write_tokens: 12000,
      cost_usd: 0.3123,
    });
  });

  test("codex: the turn.completed usage, past the plain-text notice; no cost", () => {
    expect(parseUsage("codex", fixture("codex.log"))).toEqual({
      usage: { input_tokens: 31250, output_tokens: 1873, cache_read_tokens: 20480 },
    });
  });

  test("codex: the last turn.completed counts, since codex reports the thread's running total", () => {
    const two =
      '{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":10}}\n' +
      '{"type":"turn.completed","usage":{"input_tokens":250,"cached_input_tokens":90,"output_tokens":30}}\n';
    expect(parseUsage("codex", two).usage).toEqual({
      input_tokens: 250,
      output_tokens: 30,
      cache_read_tokens: 90,
    });
  });

  test("gemini: the pretty-printed result after a stderr line; models summed, thoughts are output", () => {
    expect(parseUsage("gemini", fixture("gemini.log"))).toEqual({
      usage: { input_tokens: 52117 + 3310, output_tokens: 2406 + 819 + 61, cache_read_tokens: 34096 },
    });
  });

  test("opencode: steps summed, cache added to input, reasoning to output, costs added", () => {
    const result = parseUsage("opencode", fixture("opencode.log"));
    expect(result.usage).toMatchObject({
      input_tokens: 9 + 10544 + (12 + 10544 + 310),
      output_tokens: 186 + 2210,
      cache_read_tokens: 10544,
      cache_write_tokens: 10544 + 310,
    });
    expect(result.usage?.cost_usd).toBeCloseTo(0.08, 10);
  });
});

describe("no usage, with the reason", () => {
  const cases: [AgentPreset, string, string][] = [
    ["claude", "", "the claude log is empty"],
    ["claude", "Error: Invalid API key · Please run /login\n", "no result object in the claude output"],
    [
      "claude",
      '{"type":"result","subtype":"success","usage":{"input_tokens":"12","output_tokens":3}}',
      'claude result.usage.input_tokens is "12", not a non-negative integer',
    ],
    [
      "claude",
      '{"type":"result","subtype":"success","total_cost_usd":0.1}',
      "the claude result object has no `usage`",
    ],
    ["codex", fixture("codex-failed.log"), "codex reported an error: stream disconnected before completion"],
    [
      "codex",
      '{"type":"thread.started","thread_id":"t"}\n{"type":"turn.started"}\n',
      "no turn.completed event",
    ],
    [
      "codex",
      '{"type":"turn.completed","usage":{"input_tokens":-5,"cached_input_tokens":0,"output_tokens":1}}',
      "codex turn.completed.usage.input_tokens is -5, not a non-negative integer",
    ],
    ["gemini", fixture("gemini-error.log"), "gemini reported an error: Please set an Auth method"],
    ["gemini", "I am not JSON at all\n", "no JSON result in the gemini output"],
    [
      "gemini",
      '{"response":"hi","stats":{"models":{"gemini-2.5-pro":{"tokens":{"prompt":10}}}}}',
      "gemini stats.models.gemini-2.5-pro.tokens.candidates is missing, not a non-negative integer",
    ],
    [
      "opencode",
      fixture("opencode-error.log"),
      "opencode reported an error: No API key found for provider anthropic",
    ],
    ["opencode", "Wrote the file.\n", "no step_finish events in the opencode output"],
    [
      "opencode",
      '{"type":"step_finish","part":{"type":"step-finish","cost":0,"tokens":{"input":1.5,"output":2}}}',
      "opencode step_finish #1 part.tokens.input is 1.5, not a non-negative integer",
    ],
  ];
  for (const [preset, output, reason] of cases) {
    test(`${preset}: ${reason}`, () => {
      const result = parseUsage(preset, output);
      expect(result.usage).toBeNull();
      expect(result.reason).toContain(reason);
    });
  }

  test("a truncated pretty-printed result is not mistaken for one", () => {
    const cut = fixture("gemini.log").split("\n").slice(0, 20).join("\n");
    expect(parseUsage("gemini", cut)).toEqual({
      usage: null,
      reason: "no JSON result in the gemini output (`gemini --output-format json` prints one)",
    });
  });
});
