import { stringify } from "yaml";
import { loadRoleLibrary } from "../config/roles.js";
import { quoteList, UserError } from "../errors.js";
import { defineResource } from "./resource.js";

export const roleResource = defineResource({
  name: "role",
  uri: "baton://roles/{name}",
  title: "Agent role",
  description:
    "A library role: perspective, responsibilities, capabilities, constraints (token budget, target limit), output format.",
  mimeType: "application/yaml",
  list: ({ engine }) =>
    [...loadRoleLibrary(engine.workspace.root).values()].map((r) => ({
      uri: `baton://roles/${r.key}`,
      name: r.key,
      title: r.name,
      description: r.perspective,
    })),
  read: ({ name }, { engine }) => {
    const library = loadRoleLibrary(engine.workspace.root);
    const role = library.get(name ?? "");
    if (!role) throw new UserError(`unknown role \`${name}\`; roles: ${quoteList(library.keys())}`);
    const { source: _source, key: _key, ...rest } = role;
    return stringify(rest, { lineWidth: 0 });
  },
});
