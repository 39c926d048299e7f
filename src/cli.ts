#!/usr/bin/env node
import { readFileSync } from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { consoleOutput } from "./commands/output.js";
import type { ReviewOptions } from "./commands/review.js";
import { commandsAllowed } from "./config/operator.js";
import { createEngine, type EngineContext } from "./engine/engine.js";
import { ConfigError, formatIssue, UserError } from "./errors.js";
import { LiveUpdates } from "./live.js";
import { SubscriptionHub } from "./resources/subscriptions.js";
import { WorkspacePool, workspaceError } from "./roots.js";

import { openDeps } from "./server.js";
import { StoreError } from "./store/api.js";
import {
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  DEFAULT_IDLE_MINUTES,
  DEFAULT_MAX_SESSIONS,
  type HttpFlags,
  httpLimits,
} from "./transports/http-defaults.js";
import { serveStdio, serveStdioWithRoots } from "./transports/stdio.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

function workspaceOf(command: Command): string {
  const opts = command.optsWithGlobals<{ workspace?: string }>();
  return path.resolve(opts.workspace ?? process.env.BATON_WORKSPACE ?? process.cwd());
}

/** An engine over the workspace and its database, closed when the command ends. */
async function withEngine(
  command: Command,
  body: (engine: EngineContext) => Promise<number>,
): Promise<number> {
  const opts = command.optsWithGlobals<{ db?: string }>();
  const deps = openDeps({ workspace: workspaceOf(command), db: opts.db ?? process.env.BATON_DB });
  try {
    return await body(createEngine(deps));
  } finally {
    deps.store.close();
  }
}

/** `--inputs id=INC-42 slug=oauth2` → { id: "INC-42", slug: "oauth2" }. */
function parseInputs(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs) return undefined;
  const inputs: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UserError(`--inputs takes name=value pairs; got \`${pair}\``);
    inputs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return inputs;
}

function positiveNumber(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UserError(`${option} takes a number >= 0; got \`${value}\``);
  return n;
}

/** Runs a command body; known errors become a message and exit code 1, not a stack trace. */
function run(body: () => number | Promise<number>): Promise<void> {
  return Promise.resolve()
    .then(body)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      if (error instanceof ConfigError)
        for (const issue of error.issues) consoleOutput.error(formatIssue(issue));
      else if (error instanceof UserError || error instanceof StoreError)
        consoleOutput.error(`baton: ${error.message}`);
      else if (workspaceError(error)) consoleOutput.error(`baton: ${workspaceError(error)?.message}`);
      else throw error;
      process.exitCode = 1;
    });
}

// `baton workflows | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const program = new Command()
  .name("baton")
  .description(
    "Baton: an MCP server that turns your MCP host into a Master Orchestrator of role-based agents",
  )
  .version(pkg.version)
  .option(
    "-w, --workspace <dir>",
    "workspace directory (default: $BATON_WORKSPACE; `serve` over stdio: the client's first root; otherwise the current directory)",
  )
  .option("--db <file>", "SQLite database (default: $BATON_DB or <workspace>/.baton/baton.db)")
  .showHelpAfterError();

program
  .command("workflows")
  .description("list shipped and workspace workflows")
  .option("--json", "print the list as JSON")
  .action((opts: { json?: boolean }, command: Command) =>
    run(async () =>
      (await import("./commands/config-commands.js")).workflowsCommand(
        workspaceOf(command),
        consoleOutput,
        opts.json,
      ),
    ),
  );

program
  .command("roles")
  .description("list the role library (shipped roles/ plus the workspace's .baton/roles/)")
  .option("--json", "print the roles as JSON")
  .action((opts: { json?: boolean }, command: Command) =>
    run(async () =>
      (await import("./commands/config-commands.js")).rolesCommand(
        workspaceOf(command),
        consoleOutput,
        opts.json,
      ),
    ),
  );

program
  .command("check")
  .description("validate workflow files; prints every error with file:line:col and exits 1 if any")
  .argument("<files...>", "workflow YAML files")
  .action((files: string[], _opts, command: Command) =>
    run(async () =>
      (await import("./commands/config-commands.js")).checkCommand(
        files,
        workspaceOf(command),
        consoleOutput,
      ),
    ),
  );

program
  .command("init")
  .description("scaffold .baton/ (workflows, roles, templates) with an example workflow in the workspace")
  .action((_opts, command: Command) =>
    run(async () =>
      (await import("./commands/config-commands.js")).initCommand(workspaceOf(command), consoleOutput),
    ),
  );

program
  .command("serve")
  .description("serve MCP over stdio (what MCP hosts launch), or over Streamable HTTP with --http")
  .option("--http", "serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio")
  .option("--port <n>", `HTTP port, 0 for a free one (default: ${DEFAULT_HTTP_PORT}; needs --http)`)
  .option("--host <h>", `HTTP address to bind (default: ${DEFAULT_HTTP_HOST}; needs --http)`)
  .option("--max-sessions <n>", `HTTP sessions open at once (default: ${DEFAULT_MAX_SESSIONS}; needs --http)`)
  .option(
    "--idle-timeout <minutes>",
    `close an HTTP session after this long without a request, 0 never (default: ${DEFAULT_IDLE_MINUTES}; needs --http)`,
  )
  .option(
    "--allow-origin <origin>",
    "also accept browser requests from this origin, e.g. http://localhost:5173 (repeatable; needs --http)",
    (value: string, previous: string[] = []) => [...previous, value],
  )
  .addHelpText(
    "after",
    `
Over HTTP, the server prints its URL to stderr ("baton: serving http://127.0.0.1:PORT/mcp ...").
Every session shares the workspace and its database. Requests must name this server in their Host
header (localhost, 127.0.0.1, [::1] or --host, with the port) and, from a browser, come from this
server's own origin (e.g. http://localhost:PORT) or one given with --allow-origin: this blocks DNS
rebinding and other web pages. Set BATON_TOKEN to require "Authorization: Bearer <token>";
do set it before binding --host to anything but a loopback address.`,
  )
  .option(
    "--allow-commands",
    "let workflows' `command` checks run during validation (skipped otherwise); or BATON_ALLOW_COMMANDS=1",
  )
  .action(
    (
      opts: { http?: boolean; port?: string; host?: string; allowCommands?: boolean } & HttpFlags,
      command: Command,
    ) =>
      run(async () => {
        const httpFlags = [opts.port, opts.host, opts.maxSessions, opts.idleTimeout, opts.allowOrigin];
        if (!opts.http && httpFlags.some((flag) => flag !== undefined))
          throw new UserError(
            "--port, --host, --max-sessions, --idle-timeout and --allow-origin apply to HTTP: add --http",
          );
        const limits = httpLimits(opts);
        const port = opts.port === undefined ? DEFAULT_HTTP_PORT : parsePort(opts.port);
        const host = opts.host ?? DEFAULT_HTTP_HOST;
        if (host.trim() === "") throw new UserError("--host needs an address, e.g. 127.0.0.1");
        const globals = command.optsWithGlobals<{ db?: string; workspace?: string }>();
        if (globals.workspace === undefined && !process.env.BATON_WORKSPACE) {
          // No workspace given: each client's first root is its workspace (src/roots.ts).
          const db = globals.db ?? process.env.BATON_DB;
          const allowCommands = commandsAllowed(opts.allowCommands);
          if (!opts.http) {
            await serveStdioWithRoots({ db, allowCommands });
            return 0;
          }
          if (db !== undefined)
            throw new UserError(
              "--db (or BATON_DB) over HTTP needs --workspace: without one, sessions may offer different roots, and each workspace keeps its own .baton/baton.db",
            );
          const pool = new WorkspacePool({ allowCommands, log: (line) => process.stderr.write(`${line}\n`) });
          await (await import("./transports/http.js")).serveHttp(pool, {
            port,
            host,
            token: process.env.BATON_TOKEN || undefined,
            ...limits,
          });
          return 0;
        }
        const deps = {
          ...openDeps({ workspace: workspaceOf(command), db: globals.db ?? process.env.BATON_DB }),
          allowCommands: commandsAllowed(opts.allowCommands),
        };
        const hub = new SubscriptionHub();
        new LiveUpdates(deps, hub).start();
        if (opts.http)
          await (await import("./transports/http.js")).serveHttp(deps, {
            port,
            host,
            token: process.env.BATON_TOKEN || undefined,
            hub,
            ...limits,
          });
        else await serveStdio(deps, { hub });
        return 0;
      }),
  );

/** `--port` as a TCP port number (0 = any free port). */
function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    throw new UserError(`--port takes a port number from 0 to 65535 (0 picks a free one); got \`${value}\``);
  return port;
}

program
  .command("dashboard")
  .description(
    "serve the live web dashboard on 127.0.0.1 and print its link (the link carries the access token)",
  )
  .option("--port <n>", "port, 0 for a free one", "7767")
  .option("--open", "open the link in the default browser")
  .action((opts: { port: string; open?: boolean }, command: Command) =>
    run(() =>
      withEngine(command, async (engine) =>
        (await import("./commands/dashboard.js")).dashboardCommand(
          engine,
          { port: parsePort(opts.port), open: opts.open },
          consoleOutput,
        ),
      ),
    ),
  );

program
  .command("generate")
  .description("create an iteration and write its agent prompts, printing the allocation table")
  .option("--workflow <name>", "workflow name")
  .option("--config <file>", "workflow YAML file (instead of, or to check against, --workflow)")
  .option("--targets <globs...>", 'target globs replacing the workflow\'s, e.g. "E01/*.md"')
  .option("--output <dir>", "iteration folder, relative to the workspace")
  .option("--iteration <name>", "iteration name (default: the next ready one)")
  .option("--run <run_id>", "continue this run instead of starting one")
  .option("--inputs <pairs...>", "run inputs as name=value")
  .option("--dry-run", "print the allocation without writing anything")
  .option("--force", "create the iteration even if its dependencies have not passed")
  .action(
    (
      opts: {
        workflow?: string;
        config?: string;
        targets?: string[];
        output?: string;
        iteration?: string;
        run?: string;
        inputs?: string[];
        dryRun?: boolean;
        force?: boolean;
      },
      command: Command,
    ) =>
      run(() => {
        if (!opts.workflow && !opts.config && !opts.run)
          throw new UserError("give --workflow, --config or --run");
        return withEngine(command, async (engine) =>
          (await import("./commands/generate.js")).generateCommand(
            engine,
            { ...opts, runId: opts.run, inputs: parseInputs(opts.inputs) },
            consoleOutput,
          ),
        );
      }),
  );

program
  .command("validate <iteration>")
  .description(
    "run every machine check of an iteration (its id or folder), write VALIDATION.md and rework prompts; exit 0 only when all pass",
  )
  .option("--json", "print the report as JSON")
  .option("--allow-commands", "let `command` checks run (skipped otherwise); or BATON_ALLOW_COMMANDS=1")
  .action((iteration: string, opts: { json?: boolean; allowCommands?: boolean }, command: Command) =>
    run(() =>
      withEngine(command, async (engine) =>
        (await import("./commands/validate.js")).validateCommand(
          engine,
          { iteration, ...opts, allowCommands: commandsAllowed(opts.allowCommands) },
          consoleOutput,
        ),
      ),
    ),
  );

program
  .command("review <iteration>")
  .description(
    "approve or reject an iteration awaiting approval (workflow `approval: required`); a rejection sends its assignments to rework with your notes",
  )
  .option("--approve", "pass the iteration: its dependents may start")
  .option("--reject", "send assignments back to rework (needs --notes)")
  .option("--notes <text>", "what to change; quoted in the rework prompts and VALIDATION.md")
  .option("--reviewer <name>", "who decides (default: your login name)")
  .option("--assignments <ids...>", "reject only these assignments (default: all)")
  .option("--json", "print the result as JSON")
  .action((iteration: string, opts: Omit<ReviewOptions, "iteration">, command: Command) =>
    run(() =>
      withEngine(command, async (engine) =>
        (await import("./commands/review.js")).reviewCommand(engine, { iteration, ...opts }, consoleOutput),
      ),
    ),
  );

program
  .command("feedback <iteration>")
  .description(
    "synthesize the workflow's learnings from feedback, validation history and token usage; print them and write FEEDBACK.md",
  )
  .option("--json", "print the synthesis as JSON")
  .action((iteration: string, opts: { json?: boolean }, command: Command) =>
    run(() =>
      withEngine(command, async (engine) =>
        (await import("./commands/feedback.js")).feedbackCommand(
          engine,
          { iteration, ...opts },
          consoleOutput,
        ),
      ),
    ),
  );

program
  .command("status [target]")
  .description(
    "show runs → iterations → assignments (all runs, or one run id or iteration id/folder) with states, progress and next steps",
  )
  .option("--json", "print the status as JSON (with `next`)")
  .action((target: string | undefined, opts: { json?: boolean }, command: Command) =>
    run(() =>
      withEngine(command, async (engine) =>
        (await import("./commands/status.js")).statusCommand(engine, { target, ...opts }, consoleOutput),
      ),
    ),
  );

program
  .command("report [run]")
  .description(
    "estimate versus actual token usage of a run (default: the latest): per assignment, the error per role, risk labels versus outcomes",
  )
  .option("--json", "print the report as JSON")
  .action((runId: string | undefined, opts: { json?: boolean }, command: Command) =>
    run(() =>
      withEngine(command, async (engine) =>
        (await import("./commands/report.js")).reportCommand(engine, { run: runId, ...opts }, consoleOutput),
      ),
    ),
  );

const plans = program
  .command("plans")
  .description("list the plans decompose_task saved (keep: true) in .baton/workflows/, with their runs")
  .option("--json", "print the plans as JSON")
  .action((opts: { json?: boolean }, command: Command) =>
    run(() =>
      withEngine(command, async (engine) =>
        (await import("./commands/plans.js")).plansCommand(engine, opts, consoleOutput),
      ),
    ),
  );
plans
  .command("remove <name>")
  .description("delete a saved plan's file (only a plan; its runs keep their own copy)")
  .action((name: string, _opts, command: Command) =>
    run(() =>
      withEngine(command, async (engine) =>
        (await import("./commands/plans.js")).removePlanCommand(engine, name, consoleOutput),
      ),
    ),
  );

program
  .command("monitor [target]")
  .description(
    "watch the assignments of a run or iteration (default: every active run): progress bars in a terminal, plain lines otherwise; exit 0 when every deliverable is written, 2 on a stall",
  )
  .option(
    "--stall-minutes <n>",
    "minutes without a deliverable change that count as a stall (default: the workflow's)",
  )
  .option("--interval <seconds>", "seconds between looks", "2")
  .option("--json", "print JSON lines: one per assignment change, then the verdict")
  .action(
    (
      target: string | undefined,
      opts: { stallMinutes?: string; interval: string; json?: boolean },
      command: Command,
    ) =>
      run(() =>
        withEngine(command, async (engine) =>
          (await import("./commands/monitor.js")).monitorCommand(
            engine,
            {
              target,
              stallMinutes:
                opts.stallMinutes === undefined
                  ? undefined
                  : positiveNumber(opts.stallMinutes, "--stall-minutes"),
              intervalS: positiveNumber(opts.interval, "--interval"),
              tty: process.stdout.isTTY === true,
              json: opts.json,
              wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
            },
            consoleOutput,
          ),
        ),
      ),
  );

program
  .command("orchestrate <workflow>")
  .description(
    "run a workflow end to end: create each ready iteration, generate prompts, launch agents, monitor, validate, rework, learn; run it again to resume",
  )
  .option("--inputs <pairs...>", "run inputs as name=value")
  .option(
    "--launcher <command>",
    "agent command per assignment; {prompt} {assignment} {role} {iteration} {workspace} {workdir} {model} are substituted and also set as BATON_* variables; it may write its usage as JSON to $BATON_USAGE_FILE",
  )
  .option(
    "--agent <cli>",
    "launch agents with a preset for claude, codex, gemini or opencode (headless, JSON output, the role's model); usage is read from its output",
  )
  .option(
    "--dry-run",
    "print the exact command each preset (or --agent/--launcher) runs per workflow agent; start nothing",
  )
  .option("--parallel <n>", "agents at once", "4")
  .option("--interval <seconds>", "seconds between looks at the deliverables", "1")
  .option(
    "--stall-minutes <n>",
    "minutes without a deliverable change before an agent is stopped and re-queued",
  )
  .option("--json", "print the summary as JSON (progress lines go to stderr)")
  .option(
    "--isolate",
    "each assignment in its own git worktree, merged into the current branch when it passes",
  )
  .action(
    (
      workflow: string,
      opts: {
        inputs?: string[];
        launcher?: string;
        agent?: string;
        dryRun?: boolean;
        parallel: string;
        interval: string;
        stallMinutes?: string;
        json?: boolean;
        isolate?: boolean;
      },
      command: Command,
    ) =>
      run(() =>
        withEngine(command, async (engine) => {
          const commands = await import("./commands/orchestrate.js");
          const { isAgentPreset, unknownPresetMessage } = await import("./engine/agents/presets.js");
          if (opts.agent !== undefined && !isAgentPreset(opts.agent))
            throw new UserError(unknownPresetMessage(opts.agent));
          if (opts.agent !== undefined && opts.launcher !== undefined)
            throw new UserError("give either --agent or --launcher, not both");
          const agent = opts.agent;
          if (opts.dryRun)
            return commands.dryRunCommand(
              engine,
              { workflow, agent, launcher: opts.launcher },
              consoleOutput,
            );
          if (agent) commands.checkPresetModels(engine, workflow, agent);
          const controller = new AbortController();
          process.once("SIGINT", () => controller.abort());
          process.once("SIGTERM", () => controller.abort());
          return commands.orchestrateCommand(
            engine,
            {
              workflow,
              inputs: parseInputs(opts.inputs),
              launcher: opts.launcher,
              agent,
              parallel: Math.max(1, Math.floor(positiveNumber(opts.parallel, "--parallel"))),
              intervalS: positiveNumber(opts.interval, "--interval"),
              stallMinutes:
                opts.stallMinutes === undefined
                  ? undefined
                  : positiveNumber(opts.stallMinutes, "--stall-minutes"),
              isolate: opts.isolate === true,
              signal: controller.signal,
              tty: process.stdout.isTTY === true,
              json: opts.json,
            },
            consoleOutput,
          );
        }),
      ),
  );

program
  .command("demo")
  .description(
    "run a whole orchestration on a temporary copy of the example workspace with a deterministic stand-in agent (no LLM): a failure, a rework and a learning",
  )
  .option("--dir <dir>", "use this (empty) directory instead of a temporary one")
  .action((opts: { dir?: string }) =>
    run(async () =>
      (await import("./commands/demo.js")).demoCommand(
        { dir: opts.dir && path.resolve(opts.dir) },
        consoleOutput,
      ),
    ),
  );

program
  .command("completion <shell>")
  .description(
    "print a shell completion script (bash, zsh or fish), e.g. `baton completion bash > ~/.baton-completion`",
  )
  .action((shell: string) =>
    run(async () => {
      process.stdout.write((await import("./commands/completion.js")).completionScript(program, shell));
      return 0;
    }),
  );

await program.parseAsync();
