import type { z } from "zod";
import type { FileCache, FileFacts } from "../files.js";
import type { CheckContext, Miss, Outcome } from "../results.js";

/** The parameters of a check of a kind, as its zod shape parses them. */
export type Params<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>;

declare const pending: unique symbol;
/** A result that the runner fills in later (a queued regex test); returned by `FileEnv.later`. */
export type Pending = { readonly [pending]: true };

/** What a file check may use besides its file; one per validation run. */
export interface FileEnv {
  /** Other workspace files (a schema file), read once per run through the guarded cache. */
  readonly files: FileCache;
  /** How long one regex may run on one file. */
  readonly regexTimeoutMs: number;
  /** When (epoch ms) this validation's content checks must stop; a check may not run past it. */
  readonly deadline: number;
  /** A value computed once per run (a compiled regex shared by many files). */
  memo<T>(key: string, compute: () => T): T;
  /** Queues a regex test for the run's next guarded batch; `finish` turns its outcome into the result. */
  later(regex: RegExp, text: string, finish: (outcome: boolean | "timeout") => Outcome): Pending;
}

interface KindBase<N extends string, S extends z.ZodRawShape> {
  /** The `check:` value in a workflow. */
  readonly name: N;
  /**
   * The kind's own parameters. A key shared by several kinds (`pattern`, `bytes`, `schema`) must
   * validate the same way in each (a test checks it); `.describe()` words it in the docs table.
   */
  readonly params: S;
  /** When the check passes, for the docs table of kinds. */
  readonly passes: string;
  /** The check in words, for prompts and COMPLETION_CRITERIA.md; `file` is already inline code. */
  describe(check: Params<S>, file: string): string;
  /**
   * What a learning reminds the writers of a deliverable pattern to do, from the structured misses
   * of earlier failures (each entry follows "must"). Without it: "pass its `<kind>` check".
   */
  remind?(miss: Miss, pattern: string): string[];
  /** Loads the libraries `evaluate` needs (ajv, markdownlint, the Markdown parser) on first use. */
  load?(): Promise<void>;
  /**
   * Rules across the kind's parameters that their schemas alone cannot say ("`run` or `name`, not
   * both"); paths are parameter keys. Called on parameters the flat shape already parsed.
   */
  validate?(check: Params<S>): { path: string; message: string }[];
}

/** A kind that looks at one file, given by `deliverable` (a pattern) or `path`. */
export interface FileKind<N extends string = string, S extends z.ZodRawShape = z.ZodRawShape>
  extends KindBase<N, S> {
  readonly target: "file";
  /** Whether `evaluate` reads the content (else the file is only measured). */
  readonly content: boolean;
  /** Called only when the file can be checked (exists and, for content kinds, is not too large). */
  evaluate(check: Params<S>, facts: FileFacts, env: FileEnv): Outcome | Pending;
}

/** A kind that looks at the workspace as a whole (`scope`, `command`); it runs after the file checks. */
export interface WorkspaceKind<N extends string = string, S extends z.ZodRawShape = z.ZodRawShape>
  extends KindBase<N, S> {
  readonly target: "workspace";
  evaluate(check: Params<S>, ctx: CheckContext): Promise<Outcome>;
}

export type CheckKindDef = FileKind | WorkspaceKind;

/** Declares a kind that checks one file. */
export function fileKind<const N extends string, S extends z.ZodRawShape>(
  kind: Omit<FileKind<N, S>, "target">,
): FileKind<N, S> {
  return { ...kind, target: "file" };
}

/** Declares a kind that checks the workspace as a whole. */
export function workspaceKind<const N extends string, S extends z.ZodRawShape>(
  kind: Omit<WorkspaceKind<N, S>, "target">,
): WorkspaceKind<N, S> {
  return { ...kind, target: "workspace" };
}

/** Inline code that survives backticks in the text (CommonMark: a longer fence, padded). */
export function code(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  if (runs.length === 0) return `\`${text}\``;
  const fence = "`".repeat(Math.max(...runs.map((r) => r.length)) + 1);
  return `${fence} ${text} ${fence}`;
}
