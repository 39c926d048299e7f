import { execFileSync } from "node:child_process";

/** Runs git in `cwd` as a fixed test author (no global git config needed, nothing signed); returns stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.name=Baton Test",
      "-c",
      "user.email=baton@example.com",
      "-c",
      "commit.gpgsign=false",
      ...args,
    ],
    { cwd, encoding: "utf8" },
  );
}

/** Makes `dir` a git repository on branch `main` with everything in it committed. */
export function gitRepo(dir: string, message = "initial"): void {
  git(dir, "init", "--quiet", "--initial-branch=main");
  git(dir, "add", "-A");
  git(dir, "commit", "--quiet", "--allow-empty", "-m", message);
}
