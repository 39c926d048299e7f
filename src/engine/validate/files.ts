import { readFileSync, statSync } from "node:fs";
import type { Workspace } from "../../config/workspace.js";

export interface FileFacts {
  exists: boolean;
  size: number;
  /** The file's text; read once per validation however many checks look at it. */
  text(): string;
}

/** Reads each file at most once per validation run. */
export class FileCache {
  private readonly facts = new Map<string, FileFacts>();

  constructor(private readonly workspace: Workspace) {}

  get(file: string): FileFacts {
    let facts = this.facts.get(file);
    if (!facts) {
      const absolute = this.workspace.resolve(file, "deliverable");
      const stat = statSync(absolute, { throwIfNoEntry: false });
      let text: string | undefined;
      facts = {
        exists: stat?.isFile() ?? false,
        size: stat?.size ?? 0,
        text: () => {
          text ??= readFileSync(absolute, "utf8");
          return text;
        },
      };
      this.facts.set(file, facts);
    }
    return facts;
  }
}
