import { readFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { describe, expect } from "vitest";
import type { ValidationReport as Report } from "../../src/engine/validation-report.js";
import { markdownDoc } from "../helpers/baton.js";
import { test } from "../helpers/fixtures.js";
import { callOk } from "../helpers/mcp.js";
import { writeFiles } from "../helpers/temp.js";

// The built server over stdio on a copy of the example workspace: deliverables that are missing,
// too short, without a required heading, malformed JSON and malformed YAML, each with its reason.

/** A requirements.md that passes every check of user-story-refinement's first iteration. */
function requirements(story: string): string {
  return markdownDoc(
    `${story} requirements`,
    {
      "Functional Requirements": "- FR-1: The system records the change (story line 1).",
      "Acceptance Criteria":
        "- AC-1: Given a customer, When they change the plan, Then the invoice is prorated.",
    },
    1100,
  );
}

/** Exactly 120 bytes of content with every heading, id and Given/When/Then: only the size is wrong. */
const SHORT = (() => {
  const text = "# R\n## Functional Requirements\nFR-1\n## Acceptance Criteria\nGiven a When b Then c\n";
  return `${text}${"x".repeat(120 - Buffer.byteLength(text))}\n`;
})();

const NO_AC = markdownDoc(
  "US-4 requirements",
  {
    "Functional Requirements": "- FR-1: Given an admin, When they export, Then a CSV is produced.",
    "Open Questions": "None.",
  },
  1100,
);

const DATA_WORKFLOW = `workflow:
  name: data-files
  description: Machine-readable summaries of the stories
  iterations:
    - name: summaries
      goal: Write a JSON and a YAML summary
      agents:
        - role: tech_writer
          deliverables: ["data/summary.json", "data/summary.yaml", "data/ok.json"]
      completion_criteria:
        - { check: min_bytes, deliverable: "data/summary.json", bytes: 10 }
        - { check: min_bytes, deliverable: "data/summary.yaml", bytes: 10 }
        - { check: min_bytes, deliverable: "data/ok.json", bytes: 10 }
`;

test.override({ shared: { example: true, files: { ".baton/workflows/data-files.yaml": DATA_WORKFLOW } } });

describe("validate_iteration over stdio", () => {
  let dir: string;
  let client: Client;

  test.beforeAll(({ sharedDir, sharedStdio }) => {
    dir = sharedDir;
    client = sharedStdio.client;
  });

  test("gives each broken requirements.md its exact reason", async () => {
    const { iteration_id } = await callOk<{ iteration_id: string }>(client, "create_iteration", {
      workflow: "user-story-refinement",
    });
    const generated = await callOk<{ assignments: { id: string; deliverables: string[] }[] }>(
      client,
      "generate_prompts",
      { iteration_id },
    );
    const owner = (file: string) => generated.assignments.find((a) => a.deliverables.includes(file))?.id;

    const files: Record<string, string> = {};
    for (const n of [1, 2, 5, 6, 7, 8]) files[`stories/US-${n}/requirements.md`] = requirements(`US-${n}`);
    files["stories/US-3/requirements.md"] = SHORT;
    files["stories/US-4/requirements.md"] = NO_AC;
    writeFiles(dir, files); // US-9 and US-10 are missing

    const report = await callOk<Report>(client, "validate_iteration", { iteration_id });
    expect(report.passed).toBe(false);
    const reasons = report.failures.map((f) => f.reason).sort();
    expect(reasons).toEqual(
      [
        "stories/US-3/requirements.md: 120 bytes, needs >= 1024",
        `stories/US-4/requirements.md: missing heading "Acceptance Criteria" (found: "US-4 requirements", "Functional Requirements", "Open Questions")`,
        "stories/US-9/requirements.md: file does not exist",
        "stories/US-10/requirements.md: file does not exist",
      ].sort(),
    );
    expect(report.failures).toContainEqual({
      assignment_id: owner("stories/US-3/requirements.md"),
      deliverable: "stories/US-3/requirements.md",
      check: "min_bytes",
      reason: "stories/US-3/requirements.md: 120 bytes, needs >= 1024",
    });
    expect(report.failures).toContainEqual({
      assignment_id: owner("stories/US-9/requirements.md"),
      deliverable: "stories/US-9/requirements.md",
      check: "implicit:exists",
      reason: "stories/US-9/requirements.md: file does not exist",
    });
    expect(report.failures.find((f) => f.deliverable === "stories/US-4/requirements.md")?.check).toBe(
      "headings",
    );
    expect(report.counts).toMatchObject({ failed: 4, needs_review: 4 });

    // The rework prompt names the failures, and is served as a prompt resource.
    expect(report.rework.length).toBeGreaterThan(0);
    const rework = report.rework[0] as Report["rework"][number];
    const { contents } = await client.readResource({ uri: rework.prompt_uri });
    const text = (contents[0] as { text: string }).text;
    expect(text).toBe(readFileSync(path.join(dir, rework.prompt_path), "utf8"));
    for (const f of report.failures.filter((x) => x.assignment_id === rework.assignment_id))
      expect(text).toContain(f.reason);

    const validation = await client.readResource({ uri: `baton://iterations/${iteration_id}/validation` });
    expect((validation.contents[0] as { text: string }).text).toContain(
      "stories/US-3/requirements.md: 120 bytes, needs >= 1024",
    );
  });

  test("reports malformed JSON and YAML with line and column", async () => {
    const { iteration_id } = await callOk<{ iteration_id: string }>(client, "create_iteration", {
      workflow: "data-files",
    });
    await callOk(client, "generate_prompts", { iteration_id });
    writeFiles(dir, {
      "data/summary.json": '{\n  "stories": 10,\n  "points": 34,\n}\n',
      "data/summary.yaml": "stories: 10\nitems:\n  - US-1\n  other: [1, 2\n",
      "data/ok.json": '{"stories": 10}\n',
    });
    const report = await callOk<Report>(client, "validate_iteration", { iteration_id });
    expect(report.passed).toBe(false);
    expect(report.failures.map(({ deliverable, check, reason }) => ({ deliverable, check, reason }))).toEqual(
      [
        {
          deliverable: "data/summary.json",
          check: "implicit:format",
          reason: "data/summary.json: invalid JSON at 4:1: Expected double-quoted property name",
        },
        {
          deliverable: "data/summary.yaml",
          check: "implicit:format",
          reason: "data/summary.yaml: invalid YAML at 4:1: All mapping items must start at the same column",
        },
      ],
    );
  });
});
