import { existsSync } from "node:fs";
import { z } from "zod";
import { COMMAND_NAME, COMMAND_NAME_RULE } from "../engine/validate/kinds/params.js";
import { quoteList, UserError } from "../errors.js";
import { strictObject } from "./strict.js";
import { unsafePathReason, type Workspace } from "./workspace.js";
import { loadYaml, parseYaml, validateWith, type YamlSource } from "./yaml.js";

/** The operator's own file: what only the person running Baton may declare (commands to run). */
export const OPERATOR_CONFIG_PATH = ".baton/config.yaml";

const relativePath = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .superRefine((value, ctx) => {
    const reason = unsafePathReason(value);
    if (reason) ctx.addIssue({ code: "custom", message: `path \`${value}\` ${reason}` });
  });

const commandObject = strictObject({
  run: z.string().trim().min(1, "must not be empty"),
  timeout_s: z.number().positive().max(3600).optional(),
  report: strictObject({ junit: relativePath.optional(), tap: relativePath.optional() })
    .refine((report) => (report.junit === undefined) !== (report.tap === undefined), {
      message: "give the report's format and path: `junit: <path>` or `tap: <path>`, one of them",
    })
    .optional(),
  description: z.string().trim().min(1).optional(),
});

/** `name: "npm test"` is shorthand for `name: { run: "npm test" }`. */
const commandSchema = z.union([z.string().trim().min(1, "must not be empty"), commandObject]);

const operatorFileSchema = strictObject({
  commands: z
    .record(z.string(), commandSchema)
    .superRefine((commands, ctx) => {
      // Checked here rather than as the record's key schema, whose failure zod reports as a bare "Invalid key".
      for (const name of Object.keys(commands)) {
        if (!COMMAND_NAME.test(name)) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: COMMAND_NAME_RULE,
          });
        }
      }
    })
    .default({}),
});

/** One named command the operator allows checks to run, e.g. `test` or `typecheck`. */
export interface OperatorCommand {
  name: string;
  /** Shell command line, run in the assignment's working tree. */
  run: string;
  /** Seconds before the command is stopped; absent means the command check's default. */
  timeout_s?: number;
  /** Where the command writes its test report, relative to the folder it runs in. */
  report?: { junit?: string; tap?: string };
  description?: string;
}

export interface OperatorConfig {
  /** Workspace-relative path of the file the commands came from, or null when there is none. */
  file: string | null;
  commands: ReadonlyMap<string, OperatorCommand>;
}

/**
 * Reads `<workspace>/.baton/config.yaml`; a workspace without one has no commands. Throws
 * ConfigError for a bad file, UserError when the file is a link out of the workspace.
 */
export function loadOperatorConfig(workspace: Workspace): OperatorConfig {
  const file = workspace.resolve(OPERATOR_CONFIG_PATH, "operator config");
  if (!existsSync(file)) return { file: null, commands: new Map() };
  return fromSource(loadYaml(file, OPERATOR_CONFIG_PATH, workspace.root));
}

/** Parses the text of an operator config (for tests and for a config passed inline). Throws ConfigError. */
export function parseOperatorConfig(text: string, displayName = OPERATOR_CONFIG_PATH): OperatorConfig {
  return fromSource(parseYaml(text, displayName));
}

function fromSource(source: YamlSource): OperatorConfig {
  // An empty file (or one with only comments) declares nothing.
  if (source.data === null || source.data === undefined) return { file: source.file, commands: new Map() };
  const parsed = validateWith(source, operatorFileSchema);
  const commands = new Map<string, OperatorCommand>();
  for (const [name, spec] of Object.entries(parsed.commands)) {
    const command: OperatorCommand = typeof spec === "string" ? { name, run: spec } : { name, ...spec };
    commands.set(name, command);
  }
  return { file: source.file, commands };
}

/** The command declared as `name`; an unknown name is an error that lists the declared ones. */
export function operatorCommand(config: OperatorConfig, name: string): OperatorCommand {
  const command = config.commands.get(name);
  if (command) return command;
  if (config.file === null) {
    throw new UserError(
      `command \`${name}\` is not declared: there is no ${OPERATOR_CONFIG_PATH}; the operator declares commands there under \`commands:\``,
    );
  }
  throw new UserError(
    `command \`${name}\` is not declared in ${config.file}; declared commands: ${quoteList(config.commands.keys())}`,
  );
}

/**
 * Whether the operator allowed commands: the `--allow-commands` flag, or BATON_ALLOW_COMMANDS=1
 * in the server's environment (for hosts that start `baton serve` from a config file).
 */
export function commandsAllowed(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === true) return true;
  return /^(1|true|yes)$/i.test(env.BATON_ALLOW_COMMANDS?.trim() ?? "");
}
