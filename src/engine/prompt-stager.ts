import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { tempFileFor } from "./files.js";
import { PromptWriter, writeNow } from "./prompt-writer.js";

/**
 * Streams prompts to disk as they are rendered, so generating holds no more prompts in memory than
 * are being written at the moment (#13.2: render → count → write → drop). Each prompt goes to a temp file beside its final
 * name, in the `<file>.<pid>.<hex>.tmp` form that recovery.ts removes after a crash; nothing is
 * visible under a prompt's name until `commit` renames it, which generate does only after the
 * assignments are stored. When the prompt folder does not exist yet (a first generation), the
 * prompts are written under their own names into a temp folder of that form instead, which the
 * commit renames into place whole: one rename instead of one per prompt. So a kill at any point leaves assignments without prompts (which
 * claims refuse and regeneration repairs), never a prompt of an assignment that does not exist.
 */
export class PromptStager {
  /** Local id → its temp file, or null when the prompt file already holds exactly this text. */
  private readonly staged = new Map<string, string | null>();
  /** The prompt files there before this generation (listed once: most generations find none to compare). */
  private existing: Set<string> | undefined;
  /**
   * Writes the temp files on a worker thread while the next prompts are rendered and counted
   * (prompt-writer.ts), once WRITER_FROM prompts were written here; `flush` waits for it. Null
   * where no worker can run: this thread writes them all.
   */
  private writer: PromptWriter | null | undefined;
  /** Prompts staged while no writer was asked for. */
  private writtenHere = 0;
  /** Whether everything staged was flushed (the commit requires it, with or without a worker). */
  private flushed = true;
  /** Temps of a refit's earlier rendering, removed once their writes are done. */
  private readonly discarded: string[] = [];
  /** Where prompts are written: the prompt folder, or (a first generation) a temp folder beside it. */
  private into: string | undefined;
  private folderExists = false;

  constructor(
    private readonly dir: string,
    /** Which prompts to write at all (a repair writes only the missing ones). */
    private readonly wanted: (localId: string) => boolean = () => true,
  ) {}

  stage(localId: string, prompt: string): void {
    if (!this.wanted(localId)) return;
    this.unstage(localId); // a refit renders the same ids again
    const file = this.fileOf(localId);
    if (this.existed(localId) && sameText(file, prompt)) {
      // Unchanged prompts are not rewritten: regeneration is idempotent down to the mtime.
      this.staged.set(localId, null);
      return;
    }
    if (this.into === undefined) {
      // existed() listed the folder: an empty listing of a missing folder means a fresh one.
      this.into = this.folderExists ? this.dir : tempFileFor(this.dir);
      mkdirSync(this.into, { recursive: true });
    }
    const temp = this.tempFolder ? path.join(this.tempFolder, `${localId}.md`) : tempFileFor(file);
    this.staged.set(localId, temp);
    this.flushed = false;
    // A few prompts are not worth a thread; a refit's new text goes after the first in either case.
    if (this.writer === undefined && ++this.writtenHere > WRITER_FROM)
      this.writer = PromptWriter.start() ?? null;
    if (this.writer) this.writer.write(temp, prompt);
    else writeNow(temp, prompt);
  }

  /** Waits until every staged prompt is written; throws the first write's error. */
  async flush(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    try {
      await writer?.flush();
      this.flushed = true;
    } finally {
      this.dropDiscarded();
    }
  }

  /**
   * Moves the prompts of `keep` into place and drops any other staged one (left by a refit). With
   * `prune`, prompt files of an earlier generation whose ids are no longer planned are removed.
   */
  commit(keep: ReadonlySet<string>, prune: boolean): void {
    if (!this.flushed) throw new Error("prompts must be flushed before their commit");
    this.dropDiscarded();
    if (this.tempFolder) this.commitFolder(this.tempFolder, keep);
    else
      for (const [localId, temp] of this.staged) {
        if (temp === null) continue;
        if (keep.has(localId)) renameSync(temp, this.fileOf(localId));
        else rmSync(temp, { force: true });
      }
    this.staged.clear();
    if (!prune) return;
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names)
      if (name.endsWith(".md") && !keep.has(name.slice(0, -3))) rmSync(path.join(this.dir, name));
  }

  /** Removes every staged temp file (the generation failed before its commit), once its write is over. */
  async abort(): Promise<void> {
    await this.flush().catch(() => {}); // the generation fails with its own error
    for (const temp of this.staged.values()) if (temp !== null) rmSync(temp, { force: true });
    this.staged.clear();
    if (this.tempFolder) rmSync(this.tempFolder, { recursive: true, force: true });
  }

  /**
   * A first generation's commit: drops the prompts not kept and renames the temp folder into place
   * (or, when the prompt folder appeared meanwhile, moves them into it one by one).
   */
  private commitFolder(folder: string, keep: ReadonlySet<string>): void {
    for (const [localId, file] of this.staged)
      if (!keep.has(localId)) rmSync(file as string, { force: true });
    try {
      renameSync(folder, this.dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
      for (const [localId, file] of this.staged)
        if (keep.has(localId)) renameSync(file as string, this.fileOf(localId));
      rmSync(folder, { recursive: true, force: true });
    }
    this.into = undefined;
  }

  /** A first generation's temp folder the prompts are written into, if this is one. */
  private get tempFolder(): string | undefined {
    return this.into !== this.dir ? this.into : undefined;
  }

  private unstage(localId: string): void {
    const temp = this.staged.get(localId);
    // In a temp folder the prompt keeps its name: the new text overwrites it.
    if (temp && this.tempFolder) {
      this.staged.delete(localId);
      return;
    }
    if (temp) {
      // The worker may not have written it yet: removed after the flush.
      if (this.writer) this.discarded.push(temp);
      else rmSync(temp, { force: true });
    }
    this.staged.delete(localId);
  }

  private dropDiscarded(): void {
    for (const temp of this.discarded.splice(0)) rmSync(temp, { force: true });
  }

  private existed(localId: string): boolean {
    if (!this.existing) {
      try {
        this.existing = new Set(readdirSync(this.dir));
        this.folderExists = true;
      } catch {
        this.existing = new Set(); // no prompts folder yet
      }
    }
    return this.existing.has(`${localId}.md`);
  }

  private fileOf(localId: string): string {
    return path.join(this.dir, `${localId}.md`);
  }
}

/** Prompts written on this thread before a generation hands its writes to a worker. */
const WRITER_FROM = 32;

function sameText(file: string, text: string): boolean {
  try {
    return readFileSync(file, "utf8") === text;
  } catch {
    return false; // not written yet (the usual case)
  }
}
