import { readConfigText } from "../config/yaml.js";
import { listWorkflows } from "../engine/queries.js";
import { quoteList, UserError } from "../errors.js";
import { URI_TEMPLATES, workflowUri } from "../uris.js";
import { defineResource } from "./resource.js";

export const workflowListResource = defineResource({
  name: "workflows",
  uri: URI_TEMPLATES.workflows,
  title: "Workflows",
  description:
    "Every workflow available in this workspace (shipped and .baton/workflows/), with descriptions.",
  mimeType: "application/json",
  read: (_vars, { engine }) =>
    JSON.stringify(
      listWorkflows(engine).map((w) => ({
        name: w.name,
        origin: w.origin,
        description: w.description,
        uri: workflowUri(w.name),
      })),
      null,
      2,
    ),
});

export const workflowResource = defineResource({
  name: "workflow",
  uri: URI_TEMPLATES.workflow,
  title: "Workflow definition",
  description: "A workflow's YAML: iterations, agents, deliverables, completion criteria.",
  mimeType: "application/yaml",
  list: ({ engine }) =>
    listWorkflows(engine).map((w) => ({
      uri: workflowUri(w.name),
      name: w.name,
      description: w.description,
    })),
  read: ({ name }, { engine }) => {
    const entry = listWorkflows(engine).find((w) => w.name === name);
    if (!entry) {
      throw new UserError(
        `unknown workflow \`${name}\`; available: ${quoteList(listWorkflows(engine).map((w) => w.name))}`,
      );
    }
    return readConfigText(entry.file, `workflow \`${entry.name}\``, engine.workspace.root);
  },
});
