import { existsSync, readdirSync, realpathSync } from "node:fs";
import path from "node:path";
import type Handlebars from "handlebars";
import { SHIPPED_TEMPLATES_DIR } from "../config/package-paths.js";
import { packageRealPath, readGuarded } from "../config/workspace.js";
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
  /** Where template files may really be (links resolved): the workspace and Baton's package. */
  private readonly roots: string[];
  private readonly workspaceRoot: string | undefined;

  constructor(workspaceRoot?: string) {
    this.workspaceRoot = workspaceRoot;
    this.dirs = [
      workspaceRoot && path.join(workspaceRoot, ".baton", "templates"),
      SHIPPED_TEMPLATES_DIR,
    ].filter((d): d is string => Boolean(d));
    this.roots = [packageRealPath(), ...(workspaceRoot ? [realpathSync.native(workspaceRoot)] : [])];
    this.hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
    // Handlebars' `{{log}}` and its logger write with console.info/console.log, that is to stdout,
    // which is the MCP stdio channel: a workspace template could corrupt the protocol. A template's
    // log writes nothing; Handlebars' own warnings go to stderr.
    this.hbs.registerHelper("log", () => "");
    (this.hbs as { log: (level: unknown, ...message: unknown[]) => void }).log = (level, ...message) => {
      process.stderr.write(`baton: template ${String(level)}: ${message.map(String).join(" ")}\n`);
    };
    for (const dir of [...this.dirs].reverse()) {
      const partials = path.join(dir, "partials");
      if (!existsSync(partials)) continue;
      for (const file of readdirSync(partials)) {
        if (file.endsWith(".md.hbs")) {
          this.hbs.registerPartial(
            file.replace(/\.md\.hbs$/, ""),
            partialOf(this.hbs, this.read(path.join(partials, file))),
          );
        }
      }
    }
  }

  /** A template's text through the guarded read: a link out of the workspace is refused. */
  private read(file: string): string {
    const base =
      this.workspaceRoot && file.startsWith(this.workspaceRoot)
        ? this.workspaceRoot
        : path.dirname(SHIPPED_TEMPLATES_DIR);
    return readGuarded(
      file,
      this.roots,
      `template \`${path.relative(base, file).split(path.sep).join("/")}\``,
    );
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
      template = this.hbs.template(compiledSpec(this.hbs, this.read(file)));
      this.cache.set(file, template);
    }
    return normalize(template(context));
  }

  render(relative: string, context: object): string {
    const file = this.find(relative);
    if (!file)
      throw new Error(
        `template ${relative} is missing from the workspace's .baton/templates and Baton's shipped templates`,
      );
    return this.renderFile(file, context);
  }

  /** The text of every template in play, for the manifest's template hash. */
  sources(files: readonly string[]): string {
    return files.map((f) => this.read(f)).join("\0");
  }
}

/** What Handlebars compiles a template's text to, by text: the same for every template set. */
const SPECS = new Map<string, TemplateSpecification>();
/** Distinct template texts kept compiled (a workspace's edited templates add new ones). */
const SPECS_LIMIT = 64;

type TemplateSpecification = Parameters<typeof Handlebars.template>[0];
interface HandlebarsCompilers {
  Compiler: new () => { compile(ast: unknown, options: object): unknown };
  JavaScriptCompiler: new () => {
    compile(environment: unknown, options: object, context: undefined, asObject: true): TemplateSpecification;
  };
}

/**
 * A template's compiled form, what `Handlebars.compile` builds on first render, shared by every
 * engine of the process: each engine (each workspace, each bench run) has its own template set,
 * and compiling the validation report's template again cost more than rendering it. The form
 * holds no helpers or partials; `template()` binds them from the set's own Handlebars instance.
 */
function compiledSpec(hbs: typeof Handlebars, source: string): TemplateSpecification {
  let spec = SPECS.get(source);
  if (!spec) {
    // Handlebars.compile's own steps, with its defaults (`data: true`) and Baton's `noEscape`.
    const options = { noEscape: true, data: true };
    const { Compiler, JavaScriptCompiler } = hbs as unknown as HandlebarsCompilers;
    const environment = new Compiler().compile(hbs.parse(source), options);
    spec = new JavaScriptCompiler().compile(environment, options, undefined, true);
    if (SPECS.size >= SPECS_LIMIT) SPECS.clear();
    SPECS.set(source, spec);
  }
  return spec;
}

/**
 * A partial from the shared compiled form, bound on its first use as Handlebars binds a partial
 * registered as text (so a broken partial no template uses stays harmless). Registered as text,
 * each template set compiled every partial again.
 */
function partialOf(hbs: typeof Handlebars, source: string): Handlebars.TemplateDelegate {
  let bound: Handlebars.TemplateDelegate | undefined;
  return (context, options) => {
    bound ??= hbs.template(compiledSpec(hbs, source));
    return bound(context, options);
  };
}

/**
 * Collapses the blank-line runs that conditional blocks leave behind; ends with one newline. The
 * same text as `text.replace(/[ \t]+$/gm, "").replace(/\n{3,}/g, "\n\n").trim() + "\n"` in one
 * pass that copies untouched stretches whole (three regex passes over every prompt were a third
 * of rendering it).
 */
export function normalize(text: string): string {
  // Other line terminators end lines for `$` too; templates rarely hold them.
  if (OTHER_TERMINATORS.test(text))
    return `${text
      .replace(/[ \t]+$/gm, "")
      .replace(/\n{3,}/g, "\n\n")
      .trim()}\n`;
  let out = "";
  /** Start of the stretch not yet copied to `out`. */
  let from = 0;
  const n = text.length;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i)) {
    let trailing = i;
    while (trailing > from && isBlank(text.charCodeAt(trailing - 1))) trailing--;
    // The newline run: newlines with only spaces or tabs between them (dropped as trailing).
    let end = i + 1;
    let newlines = 1;
    let spaced = false;
    for (let j = end; ; ) {
      while (j < n && isBlank(text.charCodeAt(j))) j++;
      if (j >= n || text.charCodeAt(j) !== 10) break;
      if (j > end) spaced = true;
      newlines++;
      end = j + 1;
      j = end;
    }
    if (trailing < i || newlines >= 3 || spaced) {
      out += `${text.slice(from, trailing)}${newlines >= 3 ? "\n\n" : "\n".repeat(newlines)}`;
      from = end;
    }
    i = end;
  }
  out += text.slice(from);
  return `${out.trim()}\n`;
}

const OTHER_TERMINATORS = /[\r\u2028\u2029]/;
const isBlank = (c: number) => c === 32 || c === 9;
