import { hasLearnings, listWorkflows, readLearningsFile } from "../engine/queries.js";
import { learningsUri, URI_TEMPLATES } from "../uris.js";
import { defineResource } from "./resource.js";

export const learningsResource = defineResource({
  name: "learnings",
  uri: URI_TEMPLATES.learnings,
  title: "Workflow learnings",
  description:
    "The learnings synthesized for a workflow (.baton/learnings/<workflow>.yaml): reminders, recalibrated estimates, references and flags, each with its evidence.",
  mimeType: "application/yaml",
  list: ({ engine }) =>
    listWorkflows(engine)
      .filter((w) => hasLearnings(engine, w.name))
      .map((w) => ({ uri: learningsUri(w.name), name: `${w.name} learnings` })),
  read: ({ workflow }, { engine }) =>
    readLearningsFile(engine, workflow ?? "") ??
    `# No learnings yet for ${workflow}: they appear after feedback or validation shows a pattern.\nlearnings: []\n`,
});
