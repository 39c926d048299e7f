import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import { loadRoleLibrary, type RoleLibrary } from "../../src/config/roles.js";
import { findCycle, loadWorkflowFile } from "../../src/config/workflows.js";
import { MAX_YAML_ALIASES, MAX_YAML_BYTES } from "../../src/config/yaml.js";
import { ConfigError } from "../../src/errors.js";
import { test } from "../helpers/fixtures.js";
import { roleYaml, writeFiles, writeRoleLibrary } from "../helpers/temp.js";

// Positions below were counted in the fixture text (1-based line:col of the offending value or key).
// The fixture uses a role library of its own (`coder`, `reviewer` in <workspace>/.baton/roles/),
// so the tests do not depend on which shipped roles exist.

let dir: string;
let library: RoleLibrary;

test.beforeEach(({ dir: workspace }) => {
  dir = workspace;
  writeRoleLibrary(dir, ["coder", "reviewer"]);
  library = loadRoleLibrary(dir);
});

/** Loads a workflow text and returns its error lines (file:line:col: message). */
function errorsOf(text: string): string[] {
  const file = path.join(dir, "wf.yaml");
  writeFileSync(file, text);
  try {
    loadWorkflowFile(file, dir, library);
  } catch (error) {
    if (error instanceof ConfigError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected the workflow to be rejected");
}

/** The only error line; fails when there are several, so a stray second error is noticed. */
function onlyError(text: string): string {
  const lines = errorsOf(text);
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

// line  1: workflow:
// line  5:     - name: first                      (value `first` at col 13)
// line  8:         - role: coder                  (value at col 17)
// line  9:           targets: ["src/*.ts"]        (first item's quote at col 21)
// line 10:           deliverables: ["notes/{file_id}.md"]   (first item at col 26)
// line 11:     - name: second
// line 13:       dependencies: [first]            (`[` at col 21, `first` at col 22)
// line 15:         - role: reviewer               (value at col 17)
// line 16:           deliverables: ["qa/report.md"]         (first item at col 26)
const VALID = `workflow:
  name: demo
  description: A demo workflow
  iterations:
    - name: first
      goal: Do the first thing
      agents:
        - role: coder
          targets: ["src/*.ts"]
          deliverables: ["notes/{file_id}.md"]
    - name: second
      goal: Do the second thing
      dependencies: [first]
      agents:
        - role: reviewer
          deliverables: ["qa/report.md"]
`;

describe("workflow validation errors", () => {
  test("accepts a valid workflow", () => {
    const file = path.join(dir, "ok.yaml");
    writeFileSync(file, VALID);
    const workflow = loadWorkflowFile(file, dir, library);
    expect(workflow.spec.iterations.map((it) => it.name)).toEqual(["first", "second"]);
    expect(workflow.roles.get("coder")?.constraints.token_budget).toBe(30000);
  });

  test("names an unknown role with its position and the known roles", () => {
    const line = onlyError(VALID.replace("role: reviewer", "role: qa_guru"));
    expect(line).toMatch(/^wf\.yaml:15:17: unknown role `qa_guru` in iteration `second`; known roles: /);
    expect(line).toContain("`coder`");
    expect(line).toContain("`reviewer`");
    expect(line).toContain("add it to agent_roles or to .baton/roles/");
  });

  test("names an unknown dependency and lists the iterations", () => {
    const line = onlyError(VALID.replace("dependencies: [first]", "dependencies: [frist]"));
    expect(line).toBe(
      "wf.yaml:13:22: unknown dependency `frist` of iteration `second`; iterations: `first`, `second`",
    );
  });

  test("names a dependency cycle", () => {
    // The inserted line 7 is `      dependencies: [second]`; the error points at its list (col 21).
    const text = VALID.replace(
      "goal: Do the first thing",
      "goal: Do the first thing\n      dependencies: [second]",
    );
    expect(onlyError(text)).toBe("wf.yaml:7:21: dependency cycle: first → second → first");
  });

  test("finds longer cycles and ignores acyclic graphs", () => {
    expect(
      findCycle([
        { name: "a", dependencies: [] },
        { name: "b", dependencies: ["a", "d"] },
        { name: "c", dependencies: ["b"] },
        { name: "d", dependencies: ["c"] },
      ]),
    ).toEqual(["b", "d", "c", "b"]);
    expect(
      findCycle([
        { name: "a", dependencies: [] },
        { name: "b", dependencies: ["a"] },
        { name: "c", dependencies: ["a", "b"] },
      ]),
    ).toBeNull();
  });

  test("rejects an iteration that depends on itself", () => {
    const line = errorsOf(VALID.replace("dependencies: [first]", "dependencies: [second]"))[0];
    expect(line).toBe("wf.yaml:13:22: iteration `second` depends on itself");
  });

  test("rejects duplicate iteration names", () => {
    const line = onlyError(
      VALID.replace("name: second", "name: first").replace("dependencies: [first]", "dependencies: []"),
    );
    expect(line).toBe("wf.yaml:11:13: duplicate iteration name `first`; iteration names must be unique");
  });

  test("names an unknown placeholder and lists the known ones", () => {
    const withoutTargets = onlyError(VALID.replace("qa/report.md", "qa/{story_id}.md"));
    expect(withoutTargets).toBe(
      "wf.yaml:16:26: unknown placeholder `{story_id}` in deliverable pattern `qa/{story_id}.md` (target placeholders need `targets`);" +
        " known placeholders: (none: declare workflow.inputs or targets)",
    );
    const withTargets = onlyError(VALID.replace("notes/{file_id}.md", "notes/{nope}.md"));
    expect(withTargets).toBe(
      "wf.yaml:10:26: unknown placeholder `{nope}` in deliverable pattern `notes/{nope}.md`;" +
        " known placeholders: {id}, {<name>_id}, {target}, {target_dir}, {target_name}",
    );
  });

  test("lists declared inputs among the known placeholders and accepts them", () => {
    const withInput = VALID.replace(
      "  iterations:",
      "  inputs:\n    slug: { description: A slug }\n  iterations:",
    );
    // Two lines were inserted before the iterations: line 16 is now line 18.
    const line = onlyError(withInput.replace("qa/report.md", "qa/{slugg}.md"));
    expect(line).toMatch(/^wf\.yaml:18:26: unknown placeholder `\{slugg\}`.*; known placeholders: \{slug\}$/);
    const file = path.join(dir, "inputs.yaml");
    writeFileSync(file, withInput.replace("qa/report.md", "qa/{slug}.md"));
    expect(loadWorkflowFile(file, dir, library).spec.inputs.slug?.description).toBe("A slug");
  });

  test("rejects deliverable and target patterns that leave the workspace", () => {
    const lines = errorsOf(
      VALID.replace("qa/report.md", "../outside.md").replace('"src/*.ts"', '"/etc/*.conf"'),
    );
    expect(lines).toEqual([
      "wf.yaml:9:21: target pattern `/etc/*.conf` is absolute; use a path relative to the workspace",
      "wf.yaml:16:26: deliverable pattern `../outside.md` contains `..` and could leave the workspace",
    ]);
    const nested = onlyError(VALID.replace("qa/report.md", "qa/../../outside.md"));
    expect(nested).toMatch(
      /^wf\.yaml:16:26: deliverable pattern `qa\/\.\.\/\.\.\/outside\.md` contains `\.\.`/,
    );
  });

  test("reports a template path that does not exist, with where it looked", () => {
    // Line 17 is `templates:`, line 18 `  coder: …` with the value at col 10.
    const line = onlyError(`${VALID}templates:\n  coder: templates/nope.md.hbs\n`);
    expect(line).toBe(
      "wf.yaml:18:10: template `templates/nope.md.hbs` does not exist; looked in the workspace and in Baton's shipped templates",
    );
  });

  test("accepts a template that exists in the workspace", () => {
    writeFiles(dir, { "templates/mine.md.hbs": "# {{role.name}}\n" });
    const file = path.join(dir, "tpl.yaml");
    writeFileSync(file, `${VALID}templates:\n  coder: templates/mine.md.hbs\n`);
    expect(loadWorkflowFile(file, dir, library).templates.get("coder")).toBe(
      path.join(dir, "templates", "mine.md.hbs"),
    );
  });

  test("rejects a template path that leaves the workspace", () => {
    const line = onlyError(`${VALID}templates:\n  coder: ../../etc/passwd\n`);
    expect(line).toBe(
      "wf.yaml:18:10: template path `../../etc/passwd` contains `..` and could leave the workspace",
    );
  });

  test("names an unknown key at the key and lists the valid ones", () => {
    const lines = errorsOf(VALID.replace('deliverables: ["qa/report.md"]', 'deliverable: ["qa/report.md"]'));
    // Line 16 is now `          deliverable: [...]`: the key starts at col 11.
    expect(lines).toContain(
      "wf.yaml:16:11: unknown key `deliverable`; valid keys: role, targets, deliverables, complexity_per_target, task, model, update_in_place, output_format",
    );
    // …and the missing required key is reported too, at the agent (line 15, col 11).
    expect(
      lines.some((l) => l.startsWith("wf.yaml:15:11: `workflow.iterations.1.agents.0.deliverables`")),
    ).toBe(true);
  });

  test("names an unknown top-level key and lists the valid ones", () => {
    const line = onlyError(`${VALID}agent_role: {}\n`);
    expect(line).toBe("wf.yaml:17:1: unknown key `agent_role`; valid keys: workflow, agent_roles, templates");
  });

  test("lists the valid check kinds for an unknown one", () => {
    // Line 18 is `        - { check: min_size, deliverable: qa/report.md }`: `min_size` starts at col 20.
    const text = VALID.replace(
      'deliverables: ["qa/report.md"]',
      'deliverables: ["qa/report.md"]\n      completion_criteria:\n        - { check: min_size, deliverable: qa/report.md }',
    );
    const line = onlyError(text);
    expect(line).toMatch(/^wf\.yaml:18:20: `workflow\.iterations\.1\.completion_criteria\.0\.check`: /);
    for (const kind of ["exists", "min_bytes", "headings", "json_schema", "command"]) {
      expect(line).toContain(`"${kind}"`);
    }
  });

  test("names the parameter a check kind needs", () => {
    const text = VALID.replace(
      'deliverables: ["qa/report.md"]',
      'deliverables: ["qa/report.md"]\n      completion_criteria:\n        - { check: min_bytes, deliverable: qa/report.md }',
    );
    expect(onlyError(text)).toMatch(/^wf\.yaml:18:\d+: .*check `min_bytes` needs `bytes`/);
  });

  test("locates a parameter the check kind does not take and names the ones it does", () => {
    const text = VALID.replace(
      'deliverables: ["qa/report.md"]',
      'deliverables: ["qa/report.md"]\n      completion_criteria:\n        - { check: contains, deliverable: qa/report.md, pattern: x, bytes: 3 }',
    );
    // `3` (the value of `bytes`) starts at col 76 of line 18.
    expect(onlyError(text)).toBe(
      "wf.yaml:18:76: `workflow.iterations.1.completion_criteria.0.bytes`: `bytes` is not a parameter of check `contains`; it takes `pattern`",
    );
  });

  test("rejects a check on a deliverable no agent declares, listing the declared ones", () => {
    // `qa/other.md` starts at col 44 of line 18.
    const text = VALID.replace(
      'deliverables: ["qa/report.md"]',
      'deliverables: ["qa/report.md"]\n      completion_criteria:\n        - { check: exists, deliverable: qa/other.md }',
    );
    expect(onlyError(text)).toBe(
      "wf.yaml:18:41: check refers to deliverable `qa/other.md`, which no agent of iteration `second` declares; declared: `qa/report.md`",
    );
  });

  test("points YAML syntax errors at their line and column", () => {
    // `name: a: b` on line 2: the nested mapping starts at col 9.
    expect(onlyError("workflow:\n  name: a: b\n")).toMatch(
      /^wf\.yaml:2:9: YAML: Nested mappings are not allowed in compact mappings/,
    );
    // An unclosed flow sequence on line 3 is reported where the next key (line 4, col 3) breaks it.
    expect(onlyError("workflow:\n  name: demo\n  description: [unclosed\n  iterations: []\n")).toMatch(
      /^wf\.yaml:4:3: YAML: Flow sequence .* end with a \]/,
    );
  });

  test("rejects duplicate keys where the second one is", () => {
    expect(onlyError("workflow:\n  name: demo\n  name: again\n")).toBe(
      "wf.yaml:3:3: YAML: Map keys must be unique",
    );
  });

  test("refuses an alias bomb", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
    ].join("\n");
    // Located at the first alias: line 2, col 8.
    expect(onlyError(bomb)).toMatch(
      new RegExp(
        `^wf\\.yaml:2:8: YAML: .*alias.*; aliases may expand to at most ${MAX_YAML_ALIASES} nodes$`,
        "i",
      ),
    );
  });

  test("allows a few aliases", () => {
    const file = path.join(dir, "alias.yaml");
    writeFileSync(
      file,
      VALID.replace("goal: Do the first thing", "goal: &g Do the first thing").replace(
        "goal: Do the second thing",
        "goal: *g",
      ),
    );
    expect(loadWorkflowFile(file, dir, library).spec.iterations[1]?.goal).toBe("Do the first thing");
  });

  test("refuses custom tags", () => {
    // The tag starts at col 11 of line 1.
    expect(onlyError("workflow: !!js/function 'function () {}'\n")).toBe(
      "wf.yaml:1:11: YAML: Unresolved tag: tag:yaml.org,2002:js/function (custom YAML tags are not allowed)",
    );
    expect(onlyError("workflow:\n  name: !shell rm -rf /\n")).toMatch(
      /^wf\.yaml:2:9: YAML: .*tag.*\(custom YAML tags are not allowed\)$/,
    );
  });

  test("refuses files over the size limit, naming the limit", () => {
    const line = onlyError(`# ${"x".repeat(MAX_YAML_BYTES)}\n`);
    // A whole-file problem has no line:col; it names the file, its size and the limit.
    expect(line).toBe(
      `wf.yaml: file is ${MAX_YAML_BYTES + 3} bytes; configuration files may be at most ${MAX_YAML_BYTES}`,
    );
  });

  test("reports every error, not just the first", () => {
    const lines = errorsOf(
      VALID.replace("role: reviewer", "role: qa_guru").replace(
        "dependencies: [first]",
        "dependencies: [frist]",
      ),
    );
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^wf\.yaml:13:22: unknown dependency `frist`/);
    expect(lines[1]).toMatch(/^wf\.yaml:15:17: unknown role `qa_guru`/);
  });
});

describe("role file errors", () => {
  test("locates a role file's unknown key and lists the valid ones", () => {
    writeFiles(dir, {
      ".baton/roles/broken.yaml": roleYaml("Broken").replace("capabilities:", "capabilites:"),
    });
    // A broken file does not throw: only what uses the role fails, with the file's issues.
    const library = loadRoleLibrary(dir);
    expect(library.has("broken")).toBe(false);
    const message = library.brokenReason("broken") ?? "";
    // `capabilites:` is line 5 of the role file; the `capabilities` key is then missing at the root (1:1).
    expect(message).toContain(
      `${path.join(".baton", "roles", "broken.yaml")}:5:1: unknown key \`capabilites\`; valid keys: name, perspective, responsibilities, capabilities, constraints, output_format, guidelines, model`,
    );
  });

  test("names a constraint with the wrong type", () => {
    writeFiles(dir, {
      ".baton/roles/broken.yaml": roleYaml("Broken").replace("token_budget: 30000", "token_budget: lots"),
    });
    // `lots` is on line 8 at col 17.
    expect(loadRoleLibrary(dir).brokenReason("broken")).toMatch(
      /broken\.yaml:8:17: `constraints\.token_budget`: Invalid input: expected number, received string/,
    );
  });
});
