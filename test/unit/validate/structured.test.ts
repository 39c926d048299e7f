import { describe, expect, it } from "vitest";
import { runChecks } from "../../../src/engine/validate/index.js";
import { contextFor, one, workspaceWith } from "./helpers.js";

const personSchema = {
  type: "object",
  required: ["id", "name"],
  additionalProperties: false,
  properties: { id: { type: "string" }, name: { type: "string" }, level: { enum: ["low", "high"] } },
};

describe("json and yaml", () => {
  it("json passes and fails with line:col", async () => {
    const ws = workspaceWith({ "ok.json": '{"a": 1}', "bad.json": '{\n  "a": 1\n  "b": 2\n}' });
    expect(await one(ws, { check: "json", path: "ok.json" })).toEqual({
      check: "json",
      file: "ok.json",
      status: "passed",
      reason: "ok.json: parses as JSON",
    });
    expect(await one(ws, { check: "json", path: "bad.json" })).toEqual({
      check: "json",
      file: "bad.json",
      status: "failed",
      reason: 'bad.json: invalid JSON at 3:3: Expected "," or "}" after property value',
      miss: { expected: "JSON", found: 'invalid JSON at 3:3: Expected "," or "}" after property value' },
    });
  });

  it("yaml passes and fails with line:col", async () => {
    const ws = workspaceWith({ "ok.yaml": "a: 1\n", "bad.yaml": "a: 1\nb: [1, 2\n" });
    expect((await one(ws, { check: "yaml", path: "ok.yaml" })).reason).toBe("ok.yaml: parses as YAML");
    expect(await one(ws, { check: "yaml", path: "bad.yaml" })).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/^bad\.yaml: invalid YAML at 3:1: /),
    });
  });
});

describe("json_schema and yaml_schema", () => {
  it("validates against an inline schema", async () => {
    const ws = workspaceWith({ "p.json": '{"id": "1", "name": "Ada"}' });
    expect(await one(ws, { check: "json_schema", path: "p.json", schema: personSchema })).toEqual({
      check: "json_schema",
      file: "p.json",
      status: "passed",
      reason: "p.json: valid against the inline schema",
    });
  });

  it("reports ajv errors as `instancePath message`", async () => {
    const ws = workspaceWith({ "p.json": '{"id": 1, "level": "mid", "extra": true}' });
    expect(await one(ws, { check: "json_schema", path: "p.json", schema: personSchema })).toEqual({
      check: "json_schema",
      file: "p.json",
      status: "failed",
      reason:
        "p.json: does not match the inline schema: / must have required property 'name'; " +
        '/ must NOT have additional properties ("extra"); /id must be string; ' +
        '/level must be equal to one of the allowed values ("low", "high")',
      miss: {
        expected: "the inline schema",
        found: [
          "/ must have required property 'name'",
          '/ must NOT have additional properties ("extra")',
          "/id must be string",
          '/level must be equal to one of the allowed values ("low", "high")',
        ],
      },
    });
  });

  it("reads the schema from a workspace JSON or YAML file", async () => {
    const ws = workspaceWith({
      "schemas/person.json": JSON.stringify(personSchema),
      "schemas/person.yaml": "type: object\nrequired: [id]\n",
      "p.json": '{"name": "Ada"}',
    });
    expect(
      (await one(ws, { check: "json_schema", path: "p.json", schema: "schemas/person.json" })).reason,
    ).toBe("p.json: does not match schemas/person.json: / must have required property 'id'");
    expect(
      (await one(ws, { check: "json_schema", path: "p.json", schema: "schemas/person.yaml" })).reason,
    ).toBe("p.json: does not match schemas/person.yaml: / must have required property 'id'");
  });

  it("validates YAML files, each document of a multi-document file", async () => {
    const ws = workspaceWith({
      "one.yaml": "id: '1'\nname: Ada\n",
      "many.yaml": "id: '1'\nname: Ada\n---\nid: 2\nname: Bob\n",
    });
    expect(await one(ws, { check: "yaml_schema", path: "one.yaml", schema: personSchema })).toMatchObject({
      status: "passed",
      reason: "one.yaml: valid against the inline schema",
    });
    expect(await one(ws, { check: "yaml_schema", path: "many.yaml", schema: personSchema })).toMatchObject({
      status: "failed",
      reason: "many.yaml: does not match the inline schema: document 2: /id must be string",
    });
  });

  it("fails when the file does not parse, or the schema is unusable", async () => {
    const ws = workspaceWith({ "p.json": "{", "ok.json": "{}", "schemas/bad.json": '{"type": "nope"}' });
    expect((await one(ws, { check: "json_schema", path: "p.json", schema: personSchema })).reason).toBe(
      "p.json: invalid JSON at 1:2: Unexpected end of JSON input",
    );
    expect(
      (await one(ws, { check: "json_schema", path: "ok.json", schema: "schemas/missing.json" })).reason,
    ).toBe("ok.json: cannot use schema schemas/missing.json: schemas/missing.json: file does not exist");
    expect(
      (await one(ws, { check: "json_schema", path: "ok.json", schema: "schemas/bad.json" })).reason,
    ).toMatch(/^ok\.json: cannot use schema schemas\/bad\.json: the schema is invalid: /);
  });

  it("honours draft-07 schemas", async () => {
    const ws = workspaceWith({ "t.json": '[1, "x"]' });
    const tuple = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "array",
      items: [{ type: "number" }, { type: "number" }],
    };
    expect((await one(ws, { check: "json_schema", path: "t.json", schema: tuple })).reason).toBe(
      "t.json: does not match the inline schema: /1 must be number",
    );
  });

  it("shares one parse between the implicit format check and the schema check", async () => {
    const ws = workspaceWith({ "p.json": `{"id": "1",${" ".repeat(200)}"name": "Ada"}` });
    const results = await runChecks(
      [{ check: "json_schema", deliverable: "p.json", file: "p.json", schema: personSchema }],
      ["p.json"],
      contextFor(ws),
    );
    expect(results.map((r) => `${r.check} ${r.status}`)).toEqual([
      "implicit:exists passed",
      "implicit:min_bytes passed",
      "implicit:format passed",
      "json_schema passed",
    ]);
  });
});

describe("markdown (markdownlint)", () => {
  const messy = "#Title\nText\n## Section\n";

  it("passes clean Markdown", async () => {
    const ws = workspaceWith({ "clean.md": "# Title\n\nText.\n\n## Section\n\nMore text.\n" });
    expect(await one(ws, { check: "markdown", path: "clean.md" })).toEqual({
      check: "markdown",
      file: "clean.md",
      status: "passed",
      reason: "clean.md: markdownlint reports nothing",
    });
  });

  it("reports `line: RULE description`", async () => {
    const ws = workspaceWith({ "messy.md": messy });
    const result = await one(ws, { check: "markdown", path: "messy.md" });
    expect(result.status).toBe("failed");
    expect(result.reason).toMatch(/^messy\.md: \d+ markdownlint issues: 1: MD018\/no-missing-space-atx /);
    expect(result.reason).toContain(
      "3: MD022/blanks-around-headings Headings should be surrounded by blank lines",
    );
  });

  it("applies the check's rules", async () => {
    const ws = workspaceWith({ "messy.md": messy });
    const result = await one(ws, {
      check: "markdown",
      path: "messy.md",
      rules: { default: false, MD018: true },
    });
    expect(result.reason).toBe(
      'messy.md: 1 markdownlint issue: 1: MD018/no-missing-space-atx No space after hash on atx style heading [Context: "#Title"]',
    );
  });
});
