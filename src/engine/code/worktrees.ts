import { execFile } from "node:child_process";
import { existsSync, lstatSync, readFileSync, realpathSync, rmSync } from "node:fs";
import path from "node:path";
import { UserError } from "../../errors.js";

/**
 * Git worktrees that isolate parallel coding assignments. Everything goes through the git CLI
 * (never by editing .git): each assignment gets a branch `baton/<run>/<assignment>` and a
 * worktree under `.baton/worktrees/`, which target globs and the scope check already ignore
 * (Baton owns `.baton/`). A passed assignment's branch is merged into the branch that was checked
 * out when the iteration was created, one merge at a time and never by force.
 */

/** Workspace-relative folder that holds the worktrees. */
export const WORKTREES_DIR = ".baton/worktrees";

/** Identity for Baton's own commits when the repository has none configured. */
const FALLBACK_IDENTITY = ["-c", "user.name=Baton", "-c", "user.email=baton@localhost"];

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs git in `cwd`; never throws for a non-zero exit (callers decide what it means). */
function git(cwd: string, args: readonly string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      {
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        // No editor, pager or credential prompt may ever wait for a person.
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_EDITOR: "true", GIT_PAGER: "cat", LC_ALL: "C" },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          reject(new UserError(`git could not be run: ${error.message}; install git or put it on PATH`));
          return;
        }
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Runs git and returns its output; a failure becomes a UserError with git's first lines, paths made relative. */
async function gitOk(cwd: string, args: readonly string[], root = cwd): Promise<string> {
  const result = await git(cwd, args);
  if (result.code !== 0) throw new UserError(`git ${args[0]} failed: ${gitDetail(result, root)}`);
  return result.stdout;
}

/** git's first lines of complaint, with the workspace's absolute path left out (messages are for a model). */
function gitDetail(result: GitResult, root: string): string {
  const detail = (result.stderr || result.stdout).trim().split("\n").slice(0, 3).join("; ");
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // the workspace vanished; nothing to strip but the given path
  }
  return [real, root].reduce(
    (text, prefix) => text.replaceAll(`${prefix}${path.sep}`, "").replaceAll(prefix, "."),
    detail,
  );
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs git operations that change the repository one at a time per workspace: two assignments that
 * pass together must not merge at once (git would fail on its index lock), and merges are ordered.
 */
function oneAtATime<T>(root: string, operation: () => Promise<T>): Promise<T> {
  const previous = queues.get(root) ?? Promise.resolve();
  const next = previous.then(operation, operation);
  const settled = next.catch(() => undefined);
  queues.set(root, settled);
  void settled.then(() => {
    if (queues.get(root) === settled) queues.delete(root);
  });
  return next;
}

/** Whether `root` is the top folder of a git work tree (a subfolder or a bare repository is not). */
export async function isGitRepo(root: string): Promise<boolean> {
  const result = await git(root, ["rev-parse", "--show-toplevel"]).catch(() => undefined);
  if (result === undefined || result.code !== 0) return false;
  return path.resolve(result.stdout.trim()) === path.resolve(root);
}

/** Throws the error a user sees when asking for `isolation: worktree` outside a git repository. */
export async function requireGitRepo(root: string): Promise<void> {
  if (await isGitRepo(root)) return;
  throw new UserError(
    "`isolation: worktree` needs the workspace to be the top folder of a git repository with at least one commit; " +
      "run `git init && git add -A && git commit -m init` there, or drop `isolation: worktree`",
  );
}

/** What an isolated iteration records when it is created: where its branches start and merge back. */
export interface IsolationBase {
  /** The branch checked out in the workspace; passed assignments are merged into it. */
  branch: string;
  /** The commit every assignment's worktree starts from. */
  commit: string;
}

export async function isolationBase(root: string): Promise<IsolationBase> {
  await requireGitRepo(root);
  const head = await git(root, ["rev-parse", "--verify", "--quiet", "HEAD"]);
  if (head.code !== 0) {
    throw new UserError(
      "`isolation: worktree` needs at least one commit in the repository; commit the workspace first",
    );
  }
  const branch = await git(root, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  if (branch.code !== 0) {
    throw new UserError(
      "`isolation: worktree` needs a checked-out branch to merge into, but HEAD is detached; run `git switch <branch>` first",
    );
  }
  return { branch: branch.stdout.trim(), commit: head.stdout.trim() };
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Checks an id that becomes part of a branch name and a folder (no `..`, no `.lock`, no spaces). */
function checkId(value: string, what: string): void {
  const segments = value.split("/");
  const bad = segments.some(
    (s) => !SEGMENT.test(s) || s.includes("..") || s.endsWith(".lock") || s.endsWith("."),
  );
  if (bad) {
    throw new UserError(
      `${what} \`${value}\` cannot name a git branch; use letters, digits, \`.\`, \`_\`, \`-\` and \`/\` between parts`,
    );
  }
}

/** The branch of an assignment: `baton/<run>/<assignment>`. */
export function worktreeBranch(runId: string, assignment: string): string {
  checkId(runId, "run id");
  checkId(assignment, "assignment id");
  return `baton/${runId}/${assignment}`;
}

/** The workspace-relative folder of an assignment's worktree: `.baton/worktrees/<run>/<assignment>`. */
export function worktreeDir(runId: string, assignment: string): string {
  checkId(runId, "run id");
  checkId(assignment, "assignment id");
  return `${WORKTREES_DIR}/${runId}/${assignment}`;
}

/** One assignment's isolated working tree. */
export interface Worktree {
  /** Workspace-relative folder (the assignment's `workdir`). */
  dir: string;
  branch: string;
}

/**
 * Creates the worktree of an assignment on a new branch at `baseCommit`. When the branch exists
 * already (a rework after a conflict, or a restart), its worktree is recreated from the branch so
 * nothing committed on it is lost.
 */
export async function createWorktree(
  root: string,
  args: { runId: string; assignment: string; baseCommit: string },
): Promise<Worktree> {
  return oneAtATime(root, async () => {
    const branch = worktreeBranch(args.runId, args.assignment);
    const dir = worktreeDir(args.runId, args.assignment);
    const absolute = path.join(root, ...dir.split("/"));
    // A folder deleted by hand leaves a stale registration that would block `worktree add`.
    await gitOk(root, ["worktree", "prune"]);
    const listed = await listWorktrees(root);
    if (listed.some((w) => w.dir === dir && w.branch === branch)) return { dir, branch };
    if (existsSync(absolute)) {
      throw new UserError(`${dir} exists but is not the worktree of ${branch}; move it away and try again`);
    }
    const exists = (await git(root, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}`])).code === 0;
    const add = exists
      ? ["worktree", "add", absolute, branch]
      : ["worktree", "add", "-b", branch, absolute, args.baseCommit];
    await gitOk(root, add);
    return { dir, branch };
  });
}

/** The worktrees Baton made (those under WORKTREES_DIR), with their branches. */
export async function listWorktrees(root: string): Promise<Worktree[]> {
  const out = await gitOk(root, ["worktree", "list", "--porcelain", "-z"]);
  const realRoot = realpathSync(root); // git lists real paths
  const found: Worktree[] = [];
  let current: { path?: string; branch?: string } = {};
  const flush = () => {
    if (current.path !== undefined) {
      const dir = path.relative(realRoot, current.path).split(path.sep).join("/");
      if (dir.startsWith(`${WORKTREES_DIR}/`)) found.push({ dir, branch: current.branch ?? "" });
    }
    current = {};
  };
  for (const field of out.split("\0")) {
    if (field === "") flush();
    else if (field.startsWith("worktree ")) current.path = field.slice("worktree ".length);
    else if (field.startsWith("branch refs/heads/"))
      current.branch = field.slice("branch refs/heads/".length);
  }
  flush();
  return found;
}

/**
 * Commits everything the agent left in its worktree (new, changed and deleted files) on its
 * branch. Returns the new commit, or null when there was nothing to commit. When the worktree is
 * in the middle of a merge (see syncWithBase), this commit concludes it.
 */
export async function commitWorktree(
  root: string,
  worktree: Worktree,
  message: string,
): Promise<string | null> {
  return oneAtATime(root, async () => {
    const cwd = path.join(root, ...worktree.dir.split("/"));
    const conflicted = splitZ(await gitOk(cwd, ["diff", "--name-only", "--diff-filter=U", "-z"], root));
    // `git add` would mark a conflict resolved whatever the file holds; its markers tell whether it is.
    const leftover = conflicted.filter((file) => hasConflictMarkers(path.join(cwd, file)));
    if (leftover.length > 0) {
      throw new UserError(
        `conflict markers are still in ${listFiles(leftover.join("\0"))}; resolve them first`,
      );
    }
    // Never `.baton/`: test reports and other Baton files written in the worktree stay out of the branch.
    await gitOk(cwd, ["add", "-A", "--", ".", ":(exclude).baton"], root);
    const merging = (await git(cwd, ["rev-parse", "--verify", "--quiet", "MERGE_HEAD"])).code === 0;
    const staged = await git(cwd, ["diff", "--cached", "--quiet"]);
    if (staged.code === 0 && !merging) return null;
    await gitOk(cwd, [...(await identityArgs(cwd)), "commit", "--no-verify", "-m", message], root);
    return (await gitOk(cwd, ["rev-parse", "HEAD"], root)).trim();
  });
}

async function identityArgs(cwd: string): Promise<string[]> {
  const email = await git(cwd, ["config", "user.email"]);
  return email.code === 0 && email.stdout.trim() !== "" ? [] : FALLBACK_IDENTITY;
}

export type MergeResult =
  | { status: "merged"; commit: string; files: string[] }
  | { status: "conflict"; files: string[] }
  | { status: "refused"; reason: string };

/**
 * Merges an assignment's branch into `baseBranch`, which must be checked out in the workspace.
 * Only the merge changes the workspace's files: it is refused when the workspace has uncommitted
 * changes to a file the branch changes, or is on another branch. On a conflict the merge is
 * aborted, the branch is kept, and the conflicting files are returned.
 */
export async function mergeBranch(
  root: string,
  args: { branch: string; baseBranch: string; message: string },
): Promise<MergeResult> {
  return oneAtATime(root, async () => {
    const current = await git(root, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
    if (current.code !== 0 || current.stdout.trim() !== args.baseBranch) {
      const on = current.code === 0 ? `on \`${current.stdout.trim()}\`` : "on a detached HEAD";
      return {
        status: "refused",
        reason: `the workspace is ${on}, but ${args.branch} merges into \`${args.baseBranch}\`; run \`git switch ${args.baseBranch}\``,
      };
    }
    if ((await git(root, ["rev-parse", "--verify", "--quiet", "MERGE_HEAD"])).code === 0) {
      return {
        status: "refused",
        reason: "the workspace is in the middle of a merge; finish or abort it first",
      };
    }
    const files = splitZ(
      await gitOk(root, ["diff", "--name-only", "--no-renames", "-z", `${args.baseBranch}...${args.branch}`]),
    );
    if (files.length === 0) {
      return { status: "merged", commit: (await gitOk(root, ["rev-parse", "HEAD"])).trim(), files };
    }
    const dirty = new Set(
      splitZ(await gitOk(root, ["status", "--porcelain", "-z", "--untracked-files=all", "--", ...files]))
        .filter((entry) => entry.length > 3 && entry[2] === " ")
        .map((entry) => entry.slice(3)),
    );
    const touched = files.filter((file) => dirty.has(file));
    if (touched.length > 0) {
      return {
        status: "refused",
        reason: `the workspace has uncommitted changes to ${listFiles(touched.join("\0"))}, which ${args.branch} changes too; commit or stash them first`,
      };
    }
    const merge = await git(root, [
      ...(await identityArgs(root)),
      "merge",
      "--no-ff",
      "--no-edit",
      "-m",
      args.message,
      args.branch,
    ]);
    if (merge.code === 0) {
      return { status: "merged", commit: (await gitOk(root, ["rev-parse", "HEAD"])).trim(), files };
    }
    const conflicts = splitZ(await gitOk(root, ["diff", "--name-only", "--diff-filter=U", "-z"]));
    // Whatever stopped the merge, leave the workspace as it was before it.
    await git(root, ["merge", "--abort"]);
    if (conflicts.length > 0) return { status: "conflict", files: conflicts };
    return { status: "refused", reason: `git merge failed: ${gitDetail(merge, root)}` };
  });
}

/**
 * Brings the base branch into an assignment's worktree so its agent can resolve a conflict where
 * it works: returns the files left with conflict markers (empty when the merge went through).
 * The agent edits them; commitWorktree then concludes the merge, and mergeBranch succeeds.
 */
export async function syncWithBase(root: string, worktree: Worktree, baseBranch: string): Promise<string[]> {
  return oneAtATime(root, async () => {
    const cwd = path.join(root, ...worktree.dir.split("/"));
    const merge = await git(cwd, [...(await identityArgs(cwd)), "merge", "--no-edit", baseBranch]);
    if (merge.code === 0) return [];
    const conflicts = splitZ(await gitOk(cwd, ["diff", "--name-only", "--diff-filter=U", "-z"], root));
    if (conflicts.length > 0) return conflicts;
    throw new UserError(`git merge of ${baseBranch} into ${worktree.dir} failed: ${gitDetail(merge, root)}`);
  });
}

/**
 * Removes an assignment's worktree. After a merge its branch is deleted too (`git branch -d`,
 * which refuses an unmerged branch); a worktree with uncommitted work is only removed when
 * `discard` says so.
 */
export async function removeWorktree(
  root: string,
  worktree: Worktree,
  options: { deleteBranch: boolean; discard?: boolean },
): Promise<void> {
  return oneAtATime(root, async () => {
    const absolute = path.join(root, ...worktree.dir.split("/"));
    // Baton's own files there (test reports) are never committed, so git would count them as work.
    rmSync(path.join(absolute, ".baton"), { recursive: true, force: true });
    await gitOk(root, ["worktree", "remove", ...(options.discard ? ["--force"] : []), absolute]);
    if (options.deleteBranch) await gitOk(root, ["branch", "-d", worktree.branch]);
  });
}

function hasConflictMarkers(file: string): boolean {
  // A file deleted on one side is resolved by deleting or restoring it; a link is never followed.
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) return false;
  return /^(<{7}|>{7}) /m.test(readFileSync(file, "utf8"));
}

function splitZ(text: string): string[] {
  return text.split("\0").filter((field) => field !== "");
}

function listFiles(zSeparated: string): string {
  return splitZ(zSeparated)
    .map((file) => `\`${file}\``)
    .join(", ");
}
