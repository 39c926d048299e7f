import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { TOOLS } from "../../src/tools/index.js";
import { test } from "../helpers/fixtures.js";

// The tool surface is a contract with every MCP host (docs/design.md §7): a change to a name, description
// or schema must be deliberate. When it is, update the snapshots: `npx vitest run -u test/unit/tool-schemas.test.ts`
// and review the diff of test/unit/__snapshots__/tools/<tool>.json (one file per tool).

let client: Client;
let tools: Tool[];

test.beforeAll(async ({ sharedMcp }) => {
  client = sharedMcp;
  tools = (await client.listTools()).tools;
});

describe("tool schemas", () => {
  test.each(TOOLS.map((t) => t.name))(
    "%s matches its committed snapshot (title, description, annotations, input and output schemas)",
    async (name) => {
      const t = tools.find((tool) => tool.name === name);
      expect(t, `${name} is not listed`).toBeDefined();
      const surface = {
        name: t?.name,
        title: t?.title,
        description: t?.description,
        annotations: t?.annotations,
        inputSchema: t?.inputSchema,
        outputSchema: t?.outputSchema,
      };
      await expect(`${JSON.stringify(surface, null, 2)}\n`).toMatchFileSnapshot(
        `./__snapshots__/tools/${name}.json`,
      );
    },
  );

  test("lists exactly the declared tools, in order", () => {
    expect(tools.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
  });

  test("use snake_case argument and result names", () => {
    const names = (schema: unknown): string[] => {
      if (!schema || typeof schema !== "object") return [];
      const s = schema as {
        properties?: Record<string, unknown>;
        items?: unknown;
        additionalProperties?: unknown;
      };
      return [
        ...Object.keys(s.properties ?? {}),
        ...Object.values(s.properties ?? {}).flatMap(names),
        ...names(s.items),
        ...names(s.additionalProperties),
      ];
    };
    for (const tool of tools) {
      for (const name of [...names(tool.inputSchema), ...names(tool.outputSchema)]) {
        expect(name, `${tool.name}.${name}`).toMatch(/^[a-z][a-z0-9_]*$/);
      }
    }
  });
});
