import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type Handlebars from "handlebars";
import { SHIPPED_TEMPLATES_DIR } from "../config/package-paths.js";
import { loadHandlebars } from "./lazy.js";

/** Shipped templates by role; a workspace overrides any of them from `.baton/templates/`. */
export const TEMPLATE_NAMES = {
  agentPrompt: "agent-prompt.md.hbs",
  context: "context.md.hbs",
  criteria: "completion-criteria.md.hbs",
  readme: "readme.md.hbs",
  master: "master-orchestrator.md.hbs",
  validation: "validation.md.hbs",
  rework: "rework-prompt.md.hbs",
  feedback: "feedback.md.hbs",
} as const;

/**
 * Handlebars templates with workspace overrides: a file in `<workspace>/.baton/templates/` wins
 * over the shipped one of the same relative path, partials included. Output is Markdown, so
 * nothing is HTML-escaped. Compiled templates are cached per instance.
 */
export class TemplateSet {
  private readonly hbs = loadHandlebars().create();
  private readonly dirs: string[];
  private readonly cache = new Map<string, Handlebars.TemplateDelegate>();

  constructor(workspaceRoot?: string) {
    this.dirs = [
      workspaceRoot && path.join(workspaceRoot, ".baton", "templates"),
      SHIPPED_TEMPLATES_DIR,
    ].filter((d): d is string => Boolean(d));
    this.hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
    for (const dir of [...this.dirs].reverse()) {
      const partials = path.join(dir, "partials");
      if (!existsSync(partials)) continue;
      for (const file of readdirSync(partials)) {
        if (file.endsWith(".md.hbs")) {
          this.hbs.registerPartial(
            file.replace(/\.md\.hbs$/, ""),
            readFileSync(path.join(partials, file), "utf8"),
          );
        }
      }
    }
  }

  /** The file a relative template name resolves to, or undefined. */
  find(relative: string): string | undefined {
    return this.dirs.map((d) => path.join(d, relative)).find((f) => existsSync(f));
  }

  /** The template for a role: the workflow's own, else `roles/<role>.md.hbs`, else the base layout. */
  roleTemplateFile(role: string, workflowTemplate?: string): string {
    return (
      workflowTemplate ??
      this.find(`roles/${role}.md.hbs`) ??
      (this.find(TEMPLATE_NAMES.agentPrompt) as string)
    );
  }

  renderFile(file: string, context: object): string {
    let template = this.cache.get(file);
    if (!template) {
      template = this.hbs.compile(readFileSync(file, "utf8"), { noEscape: true });
      this.cache.set(file, template);
    }
    return normalize(template(context));
  }

  render(relative: string, context: object): string {
    const file = this.find(relative);
    if (!file) throw new Error(`template ${relative} is missing from ${this.dirs.join(" and ")}`);
    return this.renderFile(file, context);
  }

  /** The text of every template in play, for the manifest's template hash. */
  sources(files: readonly string[]): string {
    return files.map((f) => readFileSync(f, "utf8")).join("\0");
  }
}

/** Collapses the blank-line runs that conditional blocks leave behind; ends with one newline. */
function normalize(text: string): string {
  return `${text
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}
