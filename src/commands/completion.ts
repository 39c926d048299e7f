import type { Command, Option } from "commander";
import { UserError } from "../errors.js";

export const COMPLETION_SHELLS = ["bash", "zsh", "fish"] as const;

interface Tree {
  globals: readonly Option[];
  commands: { name: string; description: string; options: readonly Option[] }[];
}

function treeOf(program: Command): Tree {
  return {
    globals: program.options.filter((o) => o.long !== "--version"),
    commands: program.commands.map((c) => ({
      name: c.name(),
      description: c.description(),
      options: c.options,
    })),
  };
}

const flagsOf = (options: readonly Option[]) =>
  options.flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
/** Options followed by a value: the word after them is not a command name. */
const valued = (options: readonly Option[]) => flagsOf(options.filter((o) => o.required || o.optional));

/** `baton completion <shell>`: a completion script generated from the commands and options commander knows. */
export function completionScript(program: Command, shell: string): string {
  const tree = treeOf(program);
  if (shell === "bash") return bash(tree);
  if (shell === "zsh") return `#compdef baton\nautoload -U +X bashcompinit && bashcompinit\n${bash(tree)}`;
  if (shell === "fish") return fish(tree);
  throw new UserError(`completion takes one of ${COMPLETION_SHELLS.join(", ")}; got \`${shell}\``);
}

function bash(tree: Tree): string {
  const names = tree.commands.map((c) => c.name).join(" ");
  const cases = tree.commands
    .map((c) => `    ${c.name}) words="${[...flagsOf(c.options), "--help"].join(" ")}" ;;`)
    .join("\n");
  return `# baton completion for bash: source it, or save it as /etc/bash_completion.d/baton
_baton() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="" words="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${valued(tree.globals).join("|") || "--none"}) ((i++)) ;;
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$cmd" in
    "") words="${names} ${flagsOf(tree.globals).join(" ")} --help --version" ;;
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _baton baton
`;
}

function fish(tree: Tree): string {
  const quote = (s: string) => `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  const option = (o: Option, condition: string) =>
    [
      "complete -c baton",
      condition,
      o.short ? `-s ${o.short.slice(1)}` : "",
      o.long ? `-l ${o.long.slice(2)}` : "",
      o.required || o.optional ? "-r" : "",
      `-d ${quote(o.description)}`,
    ]
      .filter(Boolean)
      .join(" ");
  const lines = [
    "# baton completion for fish: save it as ~/.config/fish/completions/baton.fish",
    "complete -c baton -f",
  ];
  for (const o of tree.globals) lines.push(option(o, ""));
  for (const c of tree.commands) {
    lines.push(`complete -c baton -n __fish_use_subcommand -a ${c.name} -d ${quote(c.description)}`);
    for (const o of c.options) lines.push(option(o, `-n '__fish_seen_subcommand_from ${c.name}'`));
  }
  return `${lines.join("\n")}\n`;
}
