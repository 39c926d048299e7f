/**
 * What a run input is, so prompts can point at it: plain `text`, a workspace `file` or `folder`
 * (named by its full workspace path, so it may contain `/`), or a `git_ref`. A workflow's git refs
 * give the change under review: the first is the base, the second (else `HEAD`) the head.
 */
export const INPUT_TYPES = ["text", "file", "folder", "git_ref"] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** What these helpers read of a workflow: its declared inputs (structural, so config need not be imported). */
interface DeclaresInputs {
  spec: { inputs: Readonly<Record<string, { type: InputType; description: string }>> };
}

/** Why a value cannot be an input of this type (a path inside the workspace, a plain ref), or undefined. */
export function inputTypeProblem(type: InputType, value: string): string | undefined {
  if (type === "file" || type === "folder") {
    if (/^[/\\]|^[A-Za-z]:|\\/.test(value) || value.split("/").includes(".."))
      return `is a ${type} input: give a workspace-relative path with \`/\` separators and no \`..\`, e.g. \`src/app.ts\``;
  }
  if (type === "git_ref" && !/^[A-Za-z0-9_][A-Za-z0-9._/@^~-]*$/.test(value))
    return "is a git ref: a branch, tag or commit such as `main`, `origin/main` or `a1b2c3d` (letters, digits and `._/@^~-`, not starting with `-`)";
  return undefined;
}

export interface GitDiff {
  base: string;
  head: string;
  /** The exact command that shows the change. */
  command: string;
  /** The command that lists the changed files. */
  files: string;
}

/** The change a run's git-ref inputs name, with the commands that show it; undefined without git refs. */
export function gitDiffOf(
  workflow: DeclaresInputs,
  inputs: Readonly<Record<string, string>>,
): GitDiff | undefined {
  const refs = Object.entries(workflow.spec.inputs)
    .filter(([name, spec]) => spec.type === "git_ref" && inputs[name] !== undefined)
    .map(([name]) => inputs[name] as string);
  const base = refs[0];
  if (base === undefined) return undefined;
  const head = refs[1] ?? "HEAD";
  return {
    base,
    head,
    command: `git diff ${base}...${head}`,
    files: `git diff --name-only ${base}...${head}`,
  };
}

/** The run inputs as a prompt lists them: value, what it is, and for files and folders their path. */
export function describedInputs(
  workflow: DeclaresInputs,
  inputs: Readonly<Record<string, string>>,
): { name: string; value: string; type: InputType; description: string }[] {
  return Object.entries(inputs).map(([name, value]) => {
    const spec = workflow.spec.inputs[name];
    return { name, value, type: spec?.type ?? "text", description: spec?.description ?? "" };
  });
}
