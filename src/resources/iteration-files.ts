import {
  iterationsWithFile,
  listAssignments,
  listIterations,
  readIterationFile,
  readPrompt,
  reworkPrompts,
} from "../engine/queries.js";
import { iterationUri, promptUri, URI_TEMPLATES } from "../uris.js";
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

export const iterationFileResources: ResourceDefinition[] = ITERATION_FILES.map(
  ({ key, file, title, mimeType }) =>
    defineResource({
      name: `iteration-${key}`,
      uri: URI_TEMPLATES.iterationFile(key),
      title,
      description: `${file} of an iteration.`,
      mimeType,
      list: ({ engine }) =>
        iterationsWithFile(engine, file).map((it) => ({
          uri: iterationUri(it.id, key),
          name: `${it.id}/${file}`,
        })),
      read: ({ iteration_id }, { engine }) => readIterationFile(engine, iteration_id ?? "", file),
    }),
);

export const promptResource = defineResource({
  name: "agent-prompt",
  uri: URI_TEMPLATES.prompt,
  title: "Agent prompt",
  description:
    "The generated prompt of one assignment (agent-prompts/<assignment>.md); give it to a sub-agent of that role.",
  mimeType: "text/markdown",
  list: ({ engine }) =>
    listIterations(engine).flatMap((it) =>
      listAssignments(engine, it).flatMap((a) => [
        {
          uri: promptUri(it.id, a.local_id),
          name: `${it.id}/${a.local_id}`,
          description: `${a.role}: ${a.targets.length} target(s)`,
        },
        ...reworkPrompts(engine, it, a).map((name) => ({
          uri: promptUri(it.id, name),
          name: `${it.id}/${name}`,
          description: `${a.role}: rework prompt`,
        })),
      ]),
    ),
  read: ({ iteration_id, assignment }, { engine }) =>
    readPrompt(engine, iteration_id ?? "", assignment ?? ""),
});
