import { CallToolResultSchema, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";

test.override({ example: true });

describe("progress notifications", () => {
  test("are sent by long tools when the caller gives a progress token, and not otherwise", async ({
    mcp: client,
  }) => {
    const created = await client.callTool({
      name: "create_iteration",
      arguments: { workflow: "user-story-refinement" },
    });
    const iterationId = (created.structuredContent as { iteration_id: string }).iteration_id;

    const seen: Progress[] = [];
    await client.callTool(
      { name: "generate_prompts", arguments: { iteration_id: iterationId } },
      CallToolResultSchema,
      {
        onprogress: (p) => seen.push(p),
      },
    );
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((p) => p.total === 3)).toBe(true);
    expect(seen.map((p) => p.message)).toContain("writing prompts");

    const validation: Progress[] = [];
    await client.callTool(
      { name: "validate_iteration", arguments: { iteration_id: iterationId } },
      CallToolResultSchema,
      {
        onprogress: (p) => validation.push(p),
      },
    );
    expect(validation.length).toBeGreaterThanOrEqual(1);
    expect(validation[0]?.message).toMatch(/^checking product-analyst-01/);

    // Without onprogress the client sends no token; the call still works and nothing is reported.
    const plain = await client.callTool({ name: "get_status", arguments: {} });
    expect(plain.isError ?? false).toBe(false);
  });
});
