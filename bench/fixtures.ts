import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Deterministic text of about `bytes` bytes (a seeded word salad, so tokenizers see real words). */
export function text(seed: number, bytes: number): string {
  const words = [
    "billing",
    "invoice",
    "workspace",
    "owner",
    "member",
    "payment",
    "plan",
    "seat",
    "tax",
    "refund",
    "the",
    "a",
    "and",
    "when",
    "then",
    "given",
    "must",
    "should",
  ];
  let x = seed * 2654435761;
  let out = "";
  while (out.length < bytes) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += `${words[x % words.length]} `;
    if (x % 13 === 0) out += "\n";
  }
  return out.slice(0, bytes);
}

/** `count` story files of `bytes` bytes under stories/. */
export function writeStories(root: string, count: number, bytes: number): string[] {
  mkdirSync(path.join(root, "stories"), { recursive: true });
  const files: string[] = [];
  for (let i = 1; i <= count; i++) {
    const file = path.join(root, "stories", `US-${i}.md`);
    writeFileSync(file, `# US-${i}\n\n${text(i, bytes - 10)}\n`);
    files.push(file);
  }
  return files;
}

/** A one-iteration workflow whose agent writes stories/{story_id}/out.md with a headings check. */
export function writeBenchWorkflow(root: string, threshold: number): void {
  mkdirSync(path.join(root, ".baton", "workflows"), { recursive: true });
  writeFileSync(
    path.join(root, ".baton", "workflows", "bench.yaml"),
    `workflow:
  name: bench
  description: Benchmark workflow
  iterations:
    - name: refine
      goal: Refine every story
      agents:
        - role: product_analyst
          targets: ["stories/*.md"]
          deliverables: ["stories/{story_id}/out.md"]
          complexity_per_target: 1
      completion_criteria:
        - { check: headings, deliverable: "stories/{story_id}/out.md", headings: ["Summary"] }
agent_roles:
  product_analyst: { complexity_threshold: ${threshold}, token_budget: 1000000 }
`,
  );
}

/** The deliverables the bench workflow expects, each passing its checks. */
export function writeDeliverables(root: string, count: number): string[] {
  const files: string[] = [];
  for (let i = 1; i <= count; i++) {
    const dir = path.join(root, "stories", `US-${i}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "out.md");
    writeFileSync(file, `# Out ${i}\n\n## Summary\n\n${text(i + 7, 400)}\n`);
    files.push(file);
  }
  return files;
}
