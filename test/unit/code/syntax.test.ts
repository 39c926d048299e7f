import { describe, expect, it } from "vitest";
import { checkSyntax, MAX_SYNTAX_BYTES, syntaxLanguageOf } from "../../../src/engine/code/syntax.js";

describe("syntax of code deliverables", () => {
  it("fails the issue's junk TypeScript with line:col, and passes real TypeScript and TSX", async () => {
    expect(await checkSyntax("src/auth/oauth2.ts", "this is not typescript at all\n")).toEqual({
      ok: false,
      language: "TypeScript",
      line: 1,
      col: 5,
      message:
        "Expected a semicolon or an implicit semicolon after a statement, but found none (Try inserting a semicolon here)",
    });
    const ts = `export interface Token<T = string> { value: T; expires: Date }
export async function refresh(token: Token): Promise<Token> {
  return { ...token, expires: new Date(Date.now() + 3600_000) } satisfies Token;
}
`;
    expect(await checkSyntax("src/auth/token.ts", ts)).toEqual({ ok: true, language: "TypeScript" });
    expect(
      await checkSyntax("src/App.tsx", "export const App = () => <div className='x'>{1}</div>;\n"),
    ).toEqual({
      ok: true,
      language: "TypeScript",
    });
    const badTsx = await checkSyntax(
      "src/App.tsx",
      "export const App = () => (\n  <div>\n    <span>\n  </div>\n);\n",
    );
    expect(badTsx).toMatchObject({ ok: false, line: 4 });
    expect(await checkSyntax("types/env.d.ts", "declare const VERSION: string;\nexport {};\n")).toMatchObject(
      { ok: true },
    );
  });

  it("checks every JavaScript extension, counting columns in UTF-16 as editors do", async () => {
    expect(await checkSyntax("a.js", 'const s = "é😀"; const x = ;\n')).toMatchObject({
      ok: false,
      line: 1,
      col: 28,
    });
    expect(await checkSyntax("a.mjs", "export default function f() { return 1 }\n")).toMatchObject({
      ok: true,
    });
    expect(await checkSyntax("a.cjs", "const fs = require('fs');\nmodule.exports = { fs };\n")).toMatchObject(
      {
        ok: true,
        language: "JavaScript",
      },
    );
    expect(await checkSyntax("a.cjs", "module.exports = {\n")).toMatchObject({ ok: false, line: 2, col: 1 });
    expect(await checkSyntax("a.jsx", "const el = <p>hi</p>;\n")).toMatchObject({ ok: true });
    // React projects put JSX in .js files; comparisons still parse as comparisons.
    expect(
      await checkSyntax("src/App.js", "export default () => <div className='x'>hi</div>;\n"),
    ).toMatchObject({
      ok: true,
    });
    expect(await checkSyntax("a.js", "if (a < b && c > d) { x = 1 }\n")).toMatchObject({ ok: true });
    expect(await checkSyntax("a.jsx", "const el = <p>hi</b>;\n")).toMatchObject({ ok: false, line: 1 });
  });

  it("checks Python, Go, Rust and Java with tree-sitter, at the first error or missing token", async () => {
    expect(
      await checkSyntax("app/main.py", "import os\n\ndef ok():\n    return 1\n\ndef bad(:\n    return 2\n"),
    ).toEqual({
      ok: false,
      language: "Python",
      line: 6,
      col: 9,
      message: "syntax error: missing `)`",
    });
    expect(
      await checkSyntax("app/main.py", "def f(x: int) -> int:\n    return [i for i in range(x)][0]\n"),
    ).toEqual({
      ok: true,
      language: "Python",
    });
    expect(await checkSyntax("cmd/main.go", "package main\n\nfunc main() {\n\tx := 1 +\n}\n")).toEqual({
      ok: false,
      language: "Go",
      line: 4,
      col: 9,
      message: "syntax error: unexpected `+`",
    });
    expect(
      await checkSyntax(
        "cmd/main.go",
        'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi")\n}\n',
      ),
    ).toEqual({ ok: true, language: "Go" });
    expect(
      await checkSyntax("src/main.rs", 'fn main() {\n    let x = 1\n    println!("{}", x);\n}\n'),
    ).toMatchObject({
      ok: false,
      language: "Rust",
      line: 2,
    });
    expect(
      await checkSyntax("src/main.rs", 'fn main() {\n    let x: u8 = 1;\n    println!("{x}");\n}\n'),
    ).toEqual({
      ok: true,
      language: "Rust",
    });
    expect(await checkSyntax("A.java", "public class A {\n  void f() {\n    int x = 1\n  }\n}\n")).toEqual({
      ok: false,
      language: "Java",
      line: 3,
      col: 14,
      message: "syntax error: missing `;`",
    });
    expect(await checkSyntax("A.java", "public class A {\n  int f() { return 1; }\n}\n")).toEqual({
      ok: true,
      language: "Java",
    });
    expect(await checkSyntax("notes.py", "this is not python at all\n")).toMatchObject({
      ok: false,
      line: 1,
    });
  });

  it("is not applicable to other extensions, and skips (never passes) oversized files", async () => {
    expect(await checkSyntax("README.md", "# hi")).toBeUndefined();
    expect(await checkSyntax("Makefile", "all:")).toBeUndefined();
    expect(syntaxLanguageOf("src/x.TSX")).toBe("TypeScript");
    expect(syntaxLanguageOf("src/.env")).toBeUndefined();
    const big = `x = 1\n${"#".repeat(MAX_SYNTAX_BYTES)}`;
    expect(await checkSyntax("big.py", big)).toEqual({
      ok: "skipped",
      language: "Python",
      reason: `big.py: ${big.length} bytes; syntax is checked in files up to ${MAX_SYNTAX_BYTES} bytes`,
    });
  });
});
