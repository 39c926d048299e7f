import { readFileSync } from "node:fs";
import { quoteList, UserError } from "../errors.js";
import { defineResource } from "./resource.js";

export const workflowListResource = defineResource({
  name: "workflows",
  uri: "baton://workflows",
  title: "Workflows",
  description:
    "Every workflow available in this workspace (shipped and .baton/workflows/), with descriptions.",
  mimeType: "application/json",
  read: (_vars, { engine }) =>
    JSON.stringify(
      engine.listWorkflows().map((w) => ({
        name: w.name,
        origin: w.origin,
        description: w.description,
        uri: `baton://workflows/${w.name}`,
      })),
      null,
      2,
    ),
});

export const workflowResource = defineResource({
  name: "workflow",
  uri: "baton://workflows/{name}",
  title: "Workflow definition",
  description: "A workflow's YAML: iterations, agents, deliverables, completion criteria.",
  mimeType: "application/yaml",
  list: ({ engine }) =>
    engine
      .listWorkflows()
      .map((w) => ({ uri: `baton://workflows/${w.name}`, name: w.name, description: w.description })),
  read: ({ name }, { engine }) => {
    const entry = engine.listWorkflows().find((w) => w.name === name);
    if (!entry) {
      throw new UserError(
        `unknown workflow \`${name}\`; available: ${quoteList(engine.listWorkflows().map((w) => w.name))}`,
      );
    }
    return readFileSync(entry.file, "utf8");
  },
});
