import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Engine } from "../engine/engine.js";
import { promptUri } from "../engine/ids.js";
import { quoteList, UserError } from "../errors.js";
import { defineResource, type ResourceDefinition } from "./resource.js";

/** The files of an iteration folder that are resources, by URI suffix. */
const ITERATION_FILES = [
  { key: "context", file: "CONTEXT.md", title: "Iteration context", mimeType: "text/markdown" },
  {
    key: "criteria",
    file: "COMPLETION_CRITERIA.md",
    title: "Completion criteria",
    mimeType: "text/markdown",
  },
  { key: "readme", file: "README.md", title: "Iteration README", mimeType: "text/markdown" },
  { key: "manifest", file: "manifest.json", title: "Execution manifest", mimeType: "application/json" },
  { key: "validation", file: "VALIDATION.md", title: "Validation report", mimeType: "text/markdown" },
  { key: "feedback", file: "FEEDBACK.md", title: "Feedback and learnings", mimeType: "text/markdown" },
] as const;

const NOT_YET: Record<string, string> = {
  "manifest.json": "; call generate_prompts first",
  "VALIDATION.md": "; call validate_iteration first",
  "FEEDBACK.md": "; it is written by validate_iteration and record_feedback",
};

function readIterationFile(engine: Engine, iterationId: string, file: string): string {
  const { iteration } = engine.getIteration(iterationId);
  const absolute = path.join(engine.workspace.resolve(iteration.path), file);
  if (!existsSync(absolute)) {
    throw new UserError(`${iteration.path}/${file} does not exist yet${NOT_YET[file] ?? ""}`);
  }
  return readFileSync(absolute, "utf8");
}

export const iterationFileResources: ResourceDefinition[] = ITERATION_FILES.map(
  ({ key, file, title, mimeType }) =>
    defineResource({
      name: `iteration-${key}`,
      uri: `baton://iterations/{iteration_id}/${key}`,
      title,
      description: `${file} of an iteration.`,
      mimeType,
      list: ({ engine }) =>
        engine.store
          .listIterations()
          .filter((it) => existsSync(path.join(engine.workspace.root, it.path, file)))
          .map((it) => ({ uri: `baton://iterations/${it.id}/${key}`, name: `${it.id}/${file}` })),
      read: ({ iteration_id }, { engine }) => readIterationFile(engine, iteration_id ?? "", file),
    }),
);

export const promptResource = defineResource({
  name: "agent-prompt",
  uri: "baton://iterations/{iteration_id}/prompts/{assignment}",
  title: "Agent prompt",
  description:
    "The generated prompt of one assignment (agent-prompts/<assignment>.md); give it to a sub-agent of that role.",
  mimeType: "text/markdown",
  list: ({ engine }) =>
    engine.store.listIterations().flatMap((it) =>
      engine.store.listAssignments(it.id).map((a) => ({
        uri: promptUri(it.id, a.local_id),
        name: `${it.id}/${a.local_id}`,
        description: `${a.role}: ${a.targets.length} target(s)`,
      })),
    ),
  read: ({ iteration_id, assignment }, { engine }) => {
    const { iteration } = engine.getIteration(iteration_id ?? "");
    const assignments = engine.store.listAssignments(iteration.id);
    const local = (assignment ?? "").replace(/\.md$/, "");
    const base = local.replace(/-rework-\d+$/, "");
    const found = assignments.find((a) => a.local_id === base);
    if (!found) {
      throw new UserError(
        `iteration ${iteration.id} has no assignment \`${local}\`; assignments: ${quoteList(assignments.map((a) => a.local_id))}`,
      );
    }
    return readIterationFile(engine, iteration.id, `agent-prompts/${local}.md`);
  },
});
