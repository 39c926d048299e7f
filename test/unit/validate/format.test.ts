import { describe, expect, it } from "vitest";
import { parseJson, parseYaml, runChecks, scanFences } from "../../../src/engine/validate/index.js";
import { contextFor, longMarkdown, workspaceWith } from "./helpers.js";

describe("JSON errors", () => {
  const cases: [string, string][] = [
    ['{"a": }', 'invalid JSON at 1:7: Unexpected token "}"'],
    ['{"a": 1,}', "invalid JSON at 1:9: Expected double-quoted property name"],
    ['{"a" 1}', 'invalid JSON at 1:6: Expected ":" after property name'],
    ["", "invalid JSON at 1:1: Unexpected end of JSON input"],
    ['{"a":1} x', "invalid JSON at 1:9: Unexpected non-whitespace character after JSON"],
    ["[1,\n 2", "invalid JSON at 2:3: Unexpected end of JSON input"],
    ["[1 2]", 'invalid JSON at 1:4: Expected "," or "]" after array element'],
    ['{\n  "a": "x', "invalid JSON at 2:8: Unterminated string"],
    ['{"a": 01}', "invalid JSON at 1:8: Invalid number"],
    ["{'a': 1}", "invalid JSON at 1:2: Expected double-quoted property name"],
    ['{"a": tru}', 'invalid JSON at 1:7: Unexpected token "t"'],
    ['"\\x"', "invalid JSON at 1:2: Bad escape sequence in string"],
  ];
  it.each(cases)("%j → %s", (text, problem) => {
    expect(parseJson(text)).toEqual({ ok: false, problem });
  });

  it("parses valid JSON", () => {
    expect(parseJson('{"a": [1, 2.5e3, "x\\u00e9", true, null]}')).toEqual({
      ok: true,
      value: { a: [1, 2500, "xé", true, null] },
    });
  });
});

describe("YAML parsing", () => {
  it("parses several documents", () => {
    expect(parseYaml("a: 1\n---\nb: 2\n")).toEqual({ ok: true, value: [{ a: 1 }, { b: 2 }], documents: 2 });
  });

  it("reports an unresolved alias", () => {
    expect(parseYaml("a: *x\n")).toMatchObject({ ok: false });
  });

  it("reports the line and column of a syntax error in a later document", () => {
    expect(parseYaml("a: 1\n---\nb: c: d\n")).toEqual({
      ok: false,
      problem: "invalid YAML at 3:4: Nested mappings are not allowed in compact mappings",
    });
  });
});

describe("code fences", () => {
  it("passes closed fences quickly without a parser", () => {
    expect(scanFences("text\n```js\ncode\n```\n~~~~\n```\nstill code\n~~~~\n")).toBe("closed");
    expect(scanFences("no fences at all")).toBe("closed");
    expect(scanFences("inline ```code``` in a paragraph\n")).toBe("closed");
  });

  it("asks for the parser when a fence is unclosed or inside a container", () => {
    expect(scanFences("```\ncode\n")).toBe("check");
    expect(scanFences("````\ncode\n```\n")).toBe("check"); // a shorter fence does not close
    expect(scanFences("```\ncode\n``` trailing\n")).toBe("check"); // a closing fence has nothing after it
    expect(scanFences("> ```\n> code\n")).toBe("check");
    expect(scanFences("- item\n\n    ```\n    code\n    ```\n")).toBe("check");
  });

  async function formatReason(markdown: string): Promise<string | undefined> {
    const ws = workspaceWith({ "doc.md": longMarkdown(markdown) });
    const results = await runChecks([], ["doc.md"], contextFor(ws));
    return results.find((r) => r.check === "implicit:format")?.reason;
  }

  it("follows CommonMark: fence length, tildes, indentation", async () => {
    const ok = "doc.md: valid Markdown (not empty, code fences closed)";
    expect(await formatReason("~~~\ncode\n~~~\n")).toBe(ok);
    expect(await formatReason("````md\n```\nnested\n```\n````\n")).toBe(ok);
    expect(await formatReason("   ```\nindented up to three\n   ```\n")).toBe(ok);
    expect(await formatReason("    ```\nfour spaces is indented code, not a fence\n")).toBe(ok);
    expect(await formatReason("- item\n\n  ```sh\n  ls\n  ```\n")).toBe(ok);
    expect(await formatReason("> ```\n> quoted\n> ```\n")).toBe(ok);
    expect(await formatReason("<!--\n```\n-->\n")).toBe(ok);
    expect(await formatReason("````\ncode\n```\n")).toBe("doc.md: unclosed code fence opened at line 4");
    expect(await formatReason("~~~\ncode\n```\n")).toBe("doc.md: unclosed code fence opened at line 4");
    expect(await formatReason("```\ncode\n    ```\n")).toBe("doc.md: unclosed code fence opened at line 4");
    expect(await formatReason("> ```\n> quoted, never closed\n\nafter\n")).toBe(
      "doc.md: unclosed code fence opened at line 4",
    );
  });
});
