import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { runCli } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { CLI } from "../helpers/temp.js";

// `baton completion <shell>` from dist/: generated from commander's tree, so no command is missing.

/** The command names `baton --help` lists. */
async function commandNames(cwd: string): Promise<string[]> {
  const help = (await runCli(["--help"], cwd)).stdout;
  const section = help.slice(help.indexOf("Commands:"));
  return [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1] as string).filter((n) => n !== "help");
}

describe("baton completion", () => {
  test("prints a bash script that parses and offers every command and the options of each", async ({
    dir,
  }) => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    const names = await commandNames(dir);
    expect(names).toContain("status");
    const result = await runCli(["completion", "bash"], dir);
    expect(result.code).toBe(0);
    const script = path.join(dir, "baton.bash");
    writeFileSync(script, result.stdout);
    execFileSync("bash", ["-n", script]);
    const complete = (words: string[]) =>
      execFileSync(
        "bash",
        [
          "-c",
          `source "$1"; COMP_WORDS=(${words.join(" ")}); COMP_CWORD=${words.length - 1}; _baton; echo "\${COMPREPLY[*]}"`,
          "_",
          script,
        ],
        { encoding: "utf8" },
      ).trim();
    expect(complete(["baton", "''"]).split(" ")).toEqual(expect.arrayContaining(names));
    expect(complete(["baton", "-w", "/x", "st"])).toBe("status");
    expect(complete(["baton", "monitor", "--j"])).toBe("--json");
  });

  test("prints zsh and fish scripts, and names the shells it knows for any other", async ({ dir }) => {
    const zsh = await runCli(["completion", "zsh"], dir);
    expect(zsh.stdout).toMatch(/^#compdef baton\n/);
    const fish = await runCli(["completion", "fish"], dir);
    for (const name of await commandNames(dir))
      expect(fish.stdout).toContain(`complete -c baton -n __fish_use_subcommand -a ${name} `);
    const other = await runCli(["completion", "tcsh"], dir);
    expect(other.code).toBe(1);
    expect(other.stderr).toBe("baton: completion takes one of bash, zsh, fish; got `tcsh`\n");
  });
});
