/**
 * A linter for agent prompts: what a faithful agent would read in a prompt must be coherent with
 * what it is assigned and what exists when it runs. Returns one line per problem.
 */
export interface PromptFacts {
  /** The files this assignment writes (its deliverables, filled). */
  own: readonly string[];
  /** Files that exist before the iteration runs: the workspace's, and those of upstream iterations. */
  readable: readonly string[];
  /** Each machine check on this assignment's deliverables, in the words the prompt must contain. */
  checks: readonly string[];
  /** Headings the checks require of this assignment's deliverables. */
  headings: readonly string[];
}

/** A file named in prose: a path or a bare name ending in a document or data extension. */
const SEGMENT = String.raw`(?:[\w.{}-]|<[^>\n]*>)`;
const FILE = new RegExp(String.raw`(?<![\w/.>}-])(?:${SEGMENT}+\/)*${SEGMENT}+\.(?:md|json|ya?ml)\b`, "g");
/** A mention with `<name>` or `{name}` parts as a test for concrete paths. */
function matcher(file: string): (candidate: string) => boolean {
  const source = file
    .split(/(<[^>]*>|\{[^}]*\})/)
    .map((part, i) => (i % 2 ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  const re = new RegExp(`(^|/)${source}$`);
  return (candidate) => re.test(candidate);
}

export function lintPrompt(prompt: string, facts: PromptFacts): string[] {
  const problems: string[] = [];
  const own = new Set(facts.own);
  const readable = new Set(facts.readable);
  const known = [...own, ...readable];
  const lines = prompt.split("\n");
  let section = "";
  for (const [i, line] of lines.entries()) {
    if (/^#{1,3} /.test(line)) section = line.replace(/^#+ /, "");
    for (const match of line.matchAll(FILE)) {
      const file = match[0];
      const test = matcher(file);
      const ok = known.some(test);
      if (!ok)
        problems.push(`line ${i + 1}: names \`${file}\`, which is neither its deliverable nor readable`);
      const before = line.slice(0, match.index);
      const writeAt = before.search(/\bwrite\b(?![\s\S]*\bwrite\b)/i);
      const writes =
        section === "Output format" ||
        (writeAt >= 0 &&
          !/\b(from|read|reads|using|based on|link|links|linking)\b/i.test(before.slice(writeAt)));
      if (writes && ok && !facts.own.some(test))
        problems.push(`line ${i + 1}: tells the agent to write \`${file}\`, not one of its deliverables`);
    }
  }
  problems.push(...emptySections(lines));
  for (const placeholder of new Set(prompt.match(/\{[a-z_][a-z0-9_]*\}/g) ?? [])) {
    if (!prompt.includes(`\`${placeholder}\` stands for`))
      problems.push(`placeholder ${placeholder} is not explained`);
  }
  for (const check of facts.checks)
    if (!prompt.includes(check)) problems.push(`check not described: ${check}`);
  for (const heading of facts.headings) {
    if (!prompt.includes(`\`## ${heading}\``))
      problems.push(`required heading "## ${heading}" is not in the text`);
  }
  return problems;
}

/** A heading with nothing under it, or a line announcing a list (ending in ':') with no list after it. */
function emptySections(lines: readonly string[]): string[] {
  const problems: string[] = [];
  const nextContent = (from: number) => {
    for (let j = from; j < lines.length; j++) if ((lines[j] ?? "").trim() !== "") return lines[j] ?? "";
    return undefined;
  };
  for (const [i, line] of lines.entries()) {
    const next = nextContent(i + 1);
    const heading = /^(#{1,6}) /.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 0;
      const sub = next && /^(#{1,6}) /.exec(next);
      if (next === undefined || (sub && (sub[1]?.length ?? 0) <= level))
        problems.push(`line ${i + 1}: section "${line}" is empty`);
    } else if (/:\s*$/.test(line) && !/^\s*[-*] /.test(next ?? "") && !/^\s*```/.test(next ?? "")) {
      if (next === undefined || /^#{1,6} /.test(next))
        problems.push(`line ${i + 1}: "${line}" announces nothing`);
    }
  }
  return problems;
}
