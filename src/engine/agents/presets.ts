import {
  isObject,
  type JsonObject,
  jsonObjects,
  noUsage,
  tokenCounts,
  type UsageResult,
  usageOf,
} from "./usage.js";

/**
 * Launch presets for the agent CLIs Baton knows: each runs the CLI headless with JSON output, feeds
 * it the prompt file on stdin (a redirect, so prompts of any size work: an argument is capped by the
 * OS at 128 KiB), lets it edit files in the workspace (the deliverables), and passes the role's model
 * with the CLI's own flag. The usage each prints is parsed from the log the launcher captures (its
 * stdout and stderr together). Each preset names the public sources its flags and format come from.
 */
export const AGENT_PRESETS = ["claude", "codex", "gemini", "opencode"] as const;
export type AgentPreset = (typeof AGENT_PRESETS)[number];

/** The environment variable a launcher finds the resolved model in (empty when the role has none). */
export const MODEL_ENV = "BATON_MODEL";
/** The environment variable naming the file any launcher may write its usage to (see readUsageFile). */
export const USAGE_FILE_ENV = "BATON_USAGE_FILE";

interface PresetSpec {
  /** The command line before the prompt redirect. */
  argv(model: string | undefined): string[];
  /** Why this CLI cannot take that model name, if it cannot. */
  modelProblem?(model: string): string | undefined;
  parse(objects: JsonObject[]): UsageResult;
}

const PRESETS: Record<AgentPreset, PresetSpec> = {
  /*
   * Claude Code. Flags: `-p` (print mode: headless, reads the prompt from stdin when none is given),
   * `--output-format json`, `--model`, `--permission-mode acceptEdits` — Claude Code docs "Run Claude
   * Code programmatically" (docs.claude.com/en/docs/claude-code/headless) and "CLI reference"
   * (docs.claude.com/en/docs/claude-code/cli-reference). Output: one `{"type":"result", ...}` object
   * when the run ends, with `total_cost_usd` and `usage` {input_tokens, output_tokens,
   * cache_creation_input_tokens, cache_read_input_tokens} summed over the run — Agent SDK reference,
   * `SDKResultMessage` (docs.claude.com/en/api/agent-sdk/typescript); anthropics/claude-code
   * CHANGELOG.md ("SDK: Renamed total_cost to total_cost_usd"). Anthropic's `input_tokens` excludes
   * cache reads and writes.
   */
  claude: {
    argv: (model) => [
      "claude",
      "-p",
      "--output-format",
      "json",
      "--permission-mode",
      "acceptEdits",
      ...(model ? ["--model", model] : []),
    ],
    parse(objects) {
      const result = objects.findLast((o) => o.type === "result");
      if (!result) {
        return noUsage(
          "no result object in the claude output (`claude -p --output-format json` prints it when the run ends; " +
            "the run may have been stopped first)",
        );
      }
      if (!isObject(result.usage)) return noUsage("the claude result object has no `usage`");
      const t = tokenCounts(
        result.usage,
        "claude result.usage",
        ["input_tokens", "output_tokens"],
        ["cache_creation_input_tokens", "cache_read_input_tokens"],
      );
      if (typeof t === "string") return noUsage(t);
      return usageOf({
        input: t.input_tokens + t.cache_creation_input_tokens + t.cache_read_input_tokens,
        output: t.output_tokens,
        cacheRead: t.cache_read_input_tokens,
        cacheWrite: t.cache_creation_input_tokens,
        cost: dollars(result.total_cost_usd),
      });
    },
  },

  /*
   * Codex CLI. Flags: `codex exec` (non-interactive), `--json` (JSONL events on stdout), `-m/--model`,
   * `--sandbox workspace-write` (edits allowed; exec is read-only by default), and `-` as the prompt
   * ("if `-` is used, instructions are read from stdin") — openai/codex docs/exec.md and
   * codex-rs/exec/src/cli.rs. Output: `{"type":"turn.completed","usage":{"input_tokens":N,
   * "cached_input_tokens":C,"output_tokens":M}}` — docs/exec.md "JSON output mode" and
   * codex-rs/exec/src/exec_events.rs (`TurnCompletedEvent`, `Usage`). The usage is the thread's total
   * so far, so the last event counts. OpenAI's `input_tokens` includes the cached ones and
   * `output_tokens` includes reasoning. Codex refuses to run outside a Git repository unless
   * `--skip-git-repo-check` is added; the preset keeps that safety check.
   */
  codex: {
    argv: (model) => [
      "codex",
      "exec",
      "--json",
      "--sandbox",
      "workspace-write",
      ...(model ? ["--model", model] : []),
      "-",
    ],
    parse(objects) {
      const done = objects.findLast((o) => o.type === "turn.completed");
      if (!done) {
        const failed = objects.findLast((o) => o.type === "turn.failed" || o.type === "error");
        const message = failed && (isObject(failed.error) ? failed.error.message : failed.message);
        if (typeof message === "string") return noUsage(`codex reported an error: ${message}`);
        return noUsage(
          "no turn.completed event in the codex output (`codex exec --json` prints one per turn)",
        );
      }
      if (!isObject(done.usage)) return noUsage("the codex turn.completed event has no `usage`");
      const t = tokenCounts(
        done.usage,
        "codex turn.completed.usage",
        ["input_tokens", "output_tokens"],
        ["cached_input_tokens"],
      );
      if (typeof t === "string") return noUsage(t);
      return usageOf({ input: t.input_tokens, output: t.output_tokens, cacheRead: t.cached_input_tokens });
    },
  },

  /*
   * Gemini CLI. Flags: headless when stdin is not a terminal (the redirect), `--output-format json`,
   * `-m/--model`, `--approval-mode auto_edit` (edit tools approved) — google-gemini/gemini-cli
   * docs/cli/headless.md, docs/cli/tutorials/automation.md, packages/cli/src/config/config.ts,
   * packages/core/src/utils/headless.ts. Output: one pretty-printed `{"response", "stats", "error"?}`
   * object; `stats.models.<model>.tokens` has {prompt, candidates, cached, thoughts, tool, ...} —
   * packages/core/src/output/types.ts (`JsonOutput`), packages/core/src/telemetry/uiTelemetry.ts
   * (`ModelMetrics`). `prompt` includes `cached`; `thoughts` and `tool` are counted apart from
   * `candidates` and `prompt`. No cost is printed.
   */
  gemini: {
    argv: (model) => [
      "gemini",
      "--output-format",
      "json",
      "--approval-mode",
      "auto_edit",
      ...(model ? ["--model", model] : []),
    ],
    parse(objects) {
      const result = objects.findLast((o) => "stats" in o || "error" in o || "response" in o);
      if (!result)
        return noUsage("no JSON result in the gemini output (`gemini --output-format json` prints one)");
      if (!isObject(result.stats) || !isObject(result.stats.models)) {
        const message = isObject(result.error) ? result.error.message : undefined;
        if (typeof message === "string") return noUsage(`gemini reported an error: ${message}`);
        return noUsage("the gemini result has no `stats.models`");
      }
      let input = 0;
      let output = 0;
      let cached = 0;
      for (const [name, metrics] of Object.entries(result.stats.models)) {
        if (!isObject(metrics) || !isObject(metrics.tokens)) {
          return noUsage(`the gemini stats for model ${name} have no \`tokens\``);
        }
        const t = tokenCounts(
          metrics.tokens,
          `gemini stats.models.${name}.tokens`,
          ["prompt", "candidates"],
          ["cached", "thoughts", "tool"],
        );
        if (typeof t === "string") return noUsage(t);
        input += t.prompt + t.tool;
        output += t.candidates + t.thoughts;
        cached += t.cached;
      }
      return usageOf({ input, output, cacheRead: cached });
    },
  },

  /*
   * OpenCode. Flags: `opencode run` (non-interactive; piped stdin is the message), `--format json`
   * (one JSON event per line: `{type, timestamp, sessionID, ...}`), `-m/--model provider/model` —
   * anomalyco/opencode packages/opencode/src/cli/cmd/run.ts. Output: a `step_finish` event per model step
   * whose `part` has `cost` and `tokens` {input, output, reasoning, cache: {read, write}} —
   * packages/opencode/src/session/message-v2.ts (`StepFinishPart`). OpenCode's `input` excludes the
   * cache reads and writes (packages/opencode/src/session/index.ts, `getUsage`), and `reasoning` is
   * apart from `output`. Steps are summed; only the main session's steps are printed.
   */
  opencode: {
    argv: (model) => ["opencode", "run", "--format", "json", ...(model ? ["--model", model] : [])],
    modelProblem: (model) =>
      model.includes("/")
        ? undefined
        : `opencode needs the model as provider/model (e.g. anthropic/${model})`,
    parse(objects) {
      const steps = objects.filter((o) => o.type === "step_finish" && isObject(o.part));
      if (steps.length === 0) {
        const failed = objects.findLast((o) => o.type === "error");
        const message = failed && openCodeError(failed.error);
        if (message) return noUsage(`opencode reported an error: ${message}`);
        return noUsage(
          "no step_finish events in the opencode output (`opencode run --format json` prints one per step)",
        );
      }
      let input = 0;
      let output = 0;
      let cacheRead = 0;
      let cacheWrite = 0;
      let cost: number | undefined;
      for (const [n, step] of steps.entries()) {
        const part = step.part as JsonObject;
        const where = `opencode step_finish #${n + 1} part.tokens`;
        if (!isObject(part.tokens)) return noUsage(`${where} is missing`);
        const t = tokenCounts(part.tokens, where, ["input", "output"], ["reasoning"]);
        if (typeof t === "string") return noUsage(t);
        const cache = tokenCounts(
          isObject(part.tokens.cache) ? part.tokens.cache : {},
          `${where}.cache`,
          [],
          ["read", "write"],
        );
        if (typeof cache === "string") return noUsage(cache);
        input += t.input + cache.read + cache.write;
        output += t.output + t.reasoning;
        cacheRead += cache.read;
        cacheWrite += cache.write;
        const stepCost = dollars(part.cost);
        if (stepCost !== undefined) cost = (cost ?? 0) + stepCost;
      }
      return usageOf({ input, output, cacheRead, cacheWrite, cost });
    },
  },
};

function dollars(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function openCodeError(error: unknown): string | undefined {
  if (!isObject(error)) return undefined;
  if (isObject(error.data) && typeof error.data.message === "string") return error.data.message;
  return typeof error.name === "string" ? error.name : undefined;
}

export function isAgentPreset(name: string): name is AgentPreset {
  return (AGENT_PRESETS as readonly string[]).includes(name);
}

/** For `--agent <name>` with a name that is not a preset. */
export function unknownPresetMessage(name: string): string {
  return `unknown agent \`${name}\`; presets: ${AGENT_PRESETS.join(", ")} (or give a command with --launcher)`;
}

/** Why `preset` cannot pass this model name to its CLI, if it cannot; check before a run starts. */
export function modelProblem(preset: AgentPreset, model: string | undefined): string | undefined {
  return model === undefined ? undefined : PRESETS[preset].modelProblem?.(model);
}

/**
 * The preset's command line with `{prompt}` left for the launcher to fill (shell-quoted), as
 * `baton orchestrate --launcher` takes it. The model, when given, is written in with the CLI's flag.
 * Throws when the CLI cannot take that model name (modelProblem says why).
 */
export function launchTemplate(preset: AgentPreset, model?: string): string {
  const problem = modelProblem(preset, model);
  if (problem) throw new Error(problem);
  return `${PRESETS[preset].argv(model).map(shellWord).join(" ")} < {prompt}`;
}

/** The shell command a preset runs for one prompt file (`--dry-run` prints launchTemplate, `{prompt}` unfilled). */
export function buildLaunchCommand(
  preset: AgentPreset,
  options: { promptFile: string; model?: string },
): string {
  return launchTemplate(preset, options.model).replace("{prompt}", shellWord(options.promptFile));
}

/** The usage a preset's CLI printed, from its captured log, or why there is none. */
export function parseUsage(preset: AgentPreset, output: string): UsageResult {
  if (output.trim() === "") return noUsage(`the ${preset} log is empty`);
  return PRESETS[preset].parse(jsonObjects(output));
}

/** A word as /bin/sh reads it back unchanged: bare when it is plainly safe, else '…'-quoted. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
