import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadRoleLibrary } from "../config/roles.js";
import { listWorkflows, loadWorkflowFile } from "../config/workflows.js";
import { Workspace } from "../config/workspace.js";
import { workflowCommandProblems } from "../engine/validate/plan-checks.js";
import { ConfigError, formatIssue } from "../errors.js";
import { type Output, table } from "./output.js";

/** `baton workflows`: shipped and workspace workflows. */
export function workflowsCommand(workspaceRoot: string, out: Output, json = false): number {
  const workflows = listWorkflows(workspaceRoot);
  if (json) {
    out.log(
      JSON.stringify(
        workflows.map((w) => ({ name: w.name, origin: w.origin, description: w.description })),
        null,
        2,
      ),
    );
    return 0;
  }
  const rows = workflows.map((w) => [w.name, w.origin, w.description]);
  out.log(table(["workflow", "from", "description"], rows));
  return 0;
}

/** `baton roles`: the role library as this workspace sees it. */
export function rolesCommand(workspaceRoot: string, out: Output, json = false): number {
  const library = loadRoleLibrary(workspaceRoot);
  if (json) {
    const roles = [...library.values()].map((r) => ({
      role: r.key,
      name: r.name,
      token_budget: r.constraints.token_budget,
      complexity_threshold: r.constraints.complexity_threshold,
      perspective: r.perspective,
    }));
    out.log(JSON.stringify(roles, null, 2));
    return 0;
  }
  const rows = [...library.values()].map((r) => [
    r.key,
    r.name,
    String(r.constraints.token_budget),
    String(r.constraints.complexity_threshold),
    r.perspective,
  ]);
  out.log(table(["role", "name", "token budget", "max targets", "perspective"], rows));
  return 0;
}

/** `baton check <files...>`: every error of every file, exit 1 when any. */
export function checkCommand(files: string[], workspaceRoot: string, out: Output): number {
  const library = loadRoleLibrary(workspaceRoot);
  // Serving skips a broken role file; checking reports it, whether or not a checked workflow uses it.
  const brokenRoles = [...library.broken.values()].flat();
  for (const issue of brokenRoles) out.error(formatIssue(issue));
  let failed = 0;
  for (const file of files) {
    if (!existsSync(file)) {
      out.error(`${file}: no such file`);
      failed++;
      continue;
    }
    try {
      const workflow = loadWorkflowFile(path.resolve(file), workspaceRoot, library);
      const commands = workflowCommandProblems(workflow.spec.iterations, new Workspace(workspaceRoot));
      if (commands.length > 0) {
        failed++;
        for (const problem of commands) out.error(`${file}: ${problem}`);
        continue;
      }
      out.log(`ok   ${file} (${workflow.name}: ${workflow.spec.iterations.length} iterations)`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      failed++;
      for (const issue of error.issues) out.error(formatIssue(issue));
    }
  }
  if (failed > 0) out.error(`${failed} of ${files.length} file(s) have errors`);
  return failed > 0 || brokenRoles.length > 0 ? 1 : 0;
}

const EXAMPLE_WORKFLOW = `# A workspace workflow. Check it with: baton check .baton/workflows/example.yaml
# The schema is documented in Baton's README ("Workflow schema").
workflow:
  name: example
  description: Summarise every note in notes/ and review the summaries
  context:
    references: []
    conventions:
      - Write in plain English, short paragraphs
    non_goals:
      - Rewriting the notes themselves
  iterations:
    - name: summarise
      goal: Write a faithful summary of each note
      agents:
        - role: tech_writer
          targets: ["notes/*.md"]
          deliverables: ["summaries/{note_id}.md"]
          complexity_per_target: 2
      completion_criteria:
        - Each summary states the note's main decision
        - { check: headings, deliverable: "summaries/{note_id}.md", headings: ["Summary"] }
    - name: review
      goal: Check the summaries against the notes
      dependencies: [summarise]
      agents:
        - role: qa_lead
          targets: ["notes/*.md"]
          deliverables: ["reviews/{note_id}.md"]
      completion_criteria:
        - Every factual error is listed with the line it contradicts
        - { check: min_bytes, deliverable: "reviews/{note_id}.md", bytes: 300 }
`;

/** `baton init`: scaffold `.baton/` without overwriting anything. */
export function initCommand(workspaceRoot: string, out: Output): number {
  const baton = path.join(workspaceRoot, ".baton");
  for (const dir of ["workflows", "roles", "templates"])
    mkdirSync(path.join(baton, dir), { recursive: true });
  const example = path.join(baton, "workflows", "example.yaml");
  if (existsSync(example)) {
    out.log(`kept ${path.relative(workspaceRoot, example)} (already exists)`);
  } else {
    writeFileSync(example, EXAMPLE_WORKFLOW);
    out.log(`wrote ${path.relative(workspaceRoot, example)}`);
  }
  const gitignore = path.join(baton, ".gitignore");
  if (!existsSync(gitignore)) writeFileSync(gitignore, "baton.db*\nlogs/\n");
  out.log("created .baton/workflows, .baton/roles and .baton/templates");
  out.log("next: baton check .baton/workflows/example.yaml, then add Baton to your MCP host (see README)");
  return 0;
}
