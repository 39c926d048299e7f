import { existsSync, readFileSync } from "node:fs";
import { learningsFile } from "../engine/learnings.js";
import { quoteList, UserError } from "../errors.js";
import { defineResource } from "./resource.js";

export const learningsResource = defineResource({
  name: "learnings",
  uri: "baton://learnings/{workflow}",
  title: "Workflow learnings",
  description:
    "The learnings synthesized for a workflow (.baton/learnings/<workflow>.yaml): reminders, recalibrated estimates, references and flags, each with its evidence.",
  mimeType: "application/yaml",
  list: ({ engine }) =>
    engine
      .listWorkflows()
      .filter((w) => existsSync(learningsFile(engine.workspace.root, w.name)))
      .map((w) => ({ uri: `baton://learnings/${w.name}`, name: `${w.name} learnings` })),
  read: ({ workflow }, { engine }) => {
    const names = engine.listWorkflows().map((w) => w.name);
    if (!names.includes(workflow ?? "")) {
      throw new UserError(`unknown workflow \`${workflow}\`; available: ${quoteList(names)}`);
    }
    const file = learningsFile(engine.workspace.root, workflow ?? "");
    return existsSync(file)
      ? readFileSync(file, "utf8")
      : `# No learnings yet for ${workflow}: they appear after feedback or validation shows a pattern.\nlearnings: []\n`;
  },
});
