import { describe, expect } from "vitest";
import type { ValidationReport as Report } from "../../src/engine/validation-report.js";
import { test } from "../helpers/fixtures.js";
import { callOk, connectStdio } from "../helpers/mcp.js";
import { writeFiles } from "../helpers/temp.js";

// #12 item 10, bounded fuzz + concurrency: the built server validates pathological deliverables (a
// schema `pattern` and a regex that backtrack catastrophically, YAML of aliases and of `---`s)
// while another call on the same connection is answered first. Order and answers are asserted,
// never durations.

const WORKFLOW = `workflow:
  name: evil
  description: Deliverables an attacker would write
  iterations:
    - name: write
      goal: Write the files
      agents:
        - role: developer
          targets: ["items/*.md"]
          deliverables: ["out/{item_id}.json"]
        - role: tech_writer
          deliverables: ["out/aliases.yaml", "out/documents.yaml"]
      completion_criteria:
        - check: json_schema
          deliverable: "out/{item_id}.json"
          schema: { type: object, properties: { name: { type: string, pattern: "^(a+)+$" } } }
        - { check: regex, deliverable: "out/{item_id}.json", pattern: "(a+)+b" }
agent_roles:
  developer: { complexity_threshold: 1 }
`;

const EVIL = `${"a".repeat(29)}!`;

describe("content checks do not freeze the server", () => {
  test("get_status is answered during a validation of pathological files, which fails with reasons", async ({
    dir,
  }) => {
    writeFiles(dir, {
      ".baton/workflows/evil.yaml": WORKFLOW,
      "items/one.md": "# One\n",
      "items/two.md": "# Two\n",
    });
    const { client } = await connectStdio(dir);
    try {
      const { iteration_id } = await callOk<{ iteration_id: string }>(client, "create_iteration", {
        workflow: "evil",
      });
      await callOk(client, "generate_prompts", { iteration_id });
      const json = `${JSON.stringify({ name: EVIL, padding: "x".repeat(200) })}\n`;
      writeFiles(dir, {
        "out/one.json": json,
        "out/two.json": json,
        "out/aliases.yaml": `base: &a {x: 1}\nl:\n${"- *a\n".repeat(20_000)}`,
        "out/documents.yaml": "---\n".repeat(200_000),
      });

      const answered: string[] = [];
      const validation = callOk<Report>(client, "validate_iteration", { iteration_id }).then((r) => {
        answered.push("validate_iteration");
        return r;
      });
      const status = callOk(client, "get_status", {}).then((r) => {
        answered.push("get_status");
        return r;
      });
      const [report] = await Promise.all([validation, status]);
      expect(answered).toEqual(["get_status", "validate_iteration"]);

      const reasons = (file: string, check: string) =>
        report.failures.filter((f) => f.deliverable === file && f.check === check).map((f) => f.reason);
      for (const file of ["out/one.json", "out/two.json"]) {
        expect(reasons(file, "json_schema")).toEqual([
          expect.stringMatching(/a `pattern` of the inline schema did not finish within 1000 ms/),
        ]);
        expect(reasons(file, "regex")).toEqual([expect.stringMatching(/did not finish within 1000 ms/)]);
      }
      expect(reasons("out/aliases.yaml", "implicit:format")).toEqual([
        expect.stringMatching(/too many YAML aliases/),
      ]);
      expect(reasons("out/documents.yaml", "implicit:format")).toEqual([
        expect.stringMatching(/too many YAML documents/),
      ]);
      // The server is still there and answers.
      await callOk(client, "get_status", {});
    } finally {
      await client.close();
    }
  });
});
