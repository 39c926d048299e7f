import { loadYamlLibrary } from "../engine/lazy.js";
import { brokenRoleReason, listRoles } from "../engine/queries.js";
import { quoteList, UserError } from "../errors.js";
import { roleUri, URI_TEMPLATES } from "../uris.js";
import { defineResource } from "./resource.js";

export const roleResource = defineResource({
  name: "role",
  uri: URI_TEMPLATES.role,
  title: "Agent role",
  description:
    "A library role: perspective, responsibilities, capabilities, constraints (token budget, target limit), output format.",
  mimeType: "application/yaml",
  list: ({ engine }) =>
    listRoles(engine).map((r) => ({
      uri: roleUri(r.key),
      name: r.key,
      title: r.name,
      description: r.perspective,
    })),
  read: ({ name }, { engine }) => {
    const roles = listRoles(engine);
    const broken = brokenRoleReason(engine, name ?? "");
    if (broken) throw new UserError(broken);
    const role = roles.find((r) => r.key === name);
    if (!role) throw new UserError(`unknown role \`${name}\`; roles: ${quoteList(roles.map((r) => r.key))}`);
    const { source: _source, key: _key, ...rest } = role;
    return loadYamlLibrary().stringify(rest, { lineWidth: 0 });
  },
});
