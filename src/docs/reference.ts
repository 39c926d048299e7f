import { execFile } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { PACKAGE_ROOT } from "../config/package-paths.js";
import { listWorkflows, loadWorkflow } from "../config/workflows.js";

// The README's reference sections that mirror the code: the shipped workflows and the CLI usage (the
// table of check kinds comes from the registry of kinds, src/engine/validate/kinds/table.ts). `npm run docs` writes them; test/unit/readme.test.ts fails when stale.

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The shipped workflows: what each does, its iterations in order, its run inputs (`name?` when optional). */
export function workflowTable(): string {
  const rows = listWorkflows().map(({ name }) => {
    const { spec } = loadWorkflow(name);
    const inputs = Object.entries(spec.inputs).map(
      ([key, input]) => `\`${input.required ? key : `${key}?`}\``,
    );
    const iterations = spec.iterations.map((iteration) => iteration.name).join(" → ");
    return `| \`${name}\` | ${cell(spec.description)} | ${iterations} | ${inputs.join(", ") || "—"} |`;
  });
  return ["| workflow | what it does | iterations | inputs |", "|---|---|---|---|", ...rows].join("\n");
}

/**
 * `baton --help` and each command's `--help`, as the built CLI prints them (commander wraps at 80
 * columns when its output is not a terminal), collected by scripts/cli-help.mjs. Needs `dist/`
 * (npm run build).
 */
export async function cliUsage(): Promise<string> {
  const cli = pathToFileURL(path.join(PACKAGE_ROOT, "dist", "cli.js")).href;
  const env = { ...process.env };
  delete env.COLUMNS;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [path.join(PACKAGE_ROOT, "scripts", "cli-help.mjs"), cli],
    { env, maxBuffer: 4 * 1024 * 1024 },
  );
  const screens = JSON.parse(stdout) as { args: string[]; text: string }[];
  return [
    "```text",
    ...screens.map(
      ({ args, text }, i) => `${i === 0 ? "" : "\n"}$ baton ${[...args, "--help"].join(" ")}\n${text}`,
    ),
    "```",
  ].join("\n");
}
