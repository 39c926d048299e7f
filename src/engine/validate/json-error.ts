/**
 * Where and why a text is not JSON (RFC 8259). Only called after `JSON.parse` failed: V8's messages
 * do not always carry a position, and differ between Node versions; these are stable.
 */
export function locateJsonError(text: string): { offset: number; message: string } | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.skipSpace();
    scanner.value(0);
    scanner.skipSpace();
    if (scanner.i < text.length) scanner.fail("Unexpected non-whitespace character after JSON");
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { offset: error.offset, message: error.message };
    return undefined;
  }
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Deeper than this, the scanner stops (JSON.parse told us the text is invalid; this is only for where). */
const MAX_DEPTH = 5000;

class Scanner {
  i = 0;

  constructor(private readonly text: string) {}

  fail(message: string, offset = this.i): never {
    throw new JsonSyntaxError(message, offset);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  private unexpected(): never {
    if (this.i >= this.text.length) this.fail("Unexpected end of JSON input");
    this.fail(`Unexpected token ${describeChar(this.text, this.i)}`);
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail("Nesting too deep");
    const c = this.text[this.i];
    if (c === "{") this.object(depth);
    else if (c === "[") this.array(depth);
    else if (c === '"') this.string();
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) this.number();
    else this.literal();
  }

  private literal(): void {
    for (const literal of ["true", "false", "null"]) {
      if (this.text.startsWith(literal, this.i)) {
        this.i += literal.length;
        return;
      }
    }
    this.unexpected();
  }

  private object(depth: number): void {
    this.i++;
    this.skipSpace();
    if (this.text[this.i] === "}") {
      this.i++;
      return;
    }
    for (;;) {
      if (this.text[this.i] !== '"') {
        if (this.i >= this.text.length) this.unexpected();
        this.fail("Expected double-quoted property name");
      }
      this.string();
      this.skipSpace();
      if (this.text[this.i] !== ":") {
        if (this.i >= this.text.length) this.unexpected();
        this.fail('Expected ":" after property name');
      }
      this.i++;
      this.skipSpace();
      this.value(depth + 1);
      this.skipSpace();
      const next = this.text[this.i];
      if (next === "}") {
        this.i++;
        return;
      }
      if (next !== ",") {
        if (this.i >= this.text.length) this.unexpected();
        this.fail('Expected "," or "}" after property value');
      }
      this.i++;
      this.skipSpace();
    }
  }

  private array(depth: number): void {
    this.i++;
    this.skipSpace();
    if (this.text[this.i] === "]") {
      this.i++;
      return;
    }
    for (;;) {
      this.value(depth + 1);
      this.skipSpace();
      const next = this.text[this.i];
      if (next === "]") {
        this.i++;
        return;
      }
      if (next !== ",") {
        if (this.i >= this.text.length) this.unexpected();
        this.fail('Expected "," or "]" after array element');
      }
      this.i++;
      this.skipSpace();
    }
  }

  private string(): void {
    const start = this.i;
    this.i++;
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c < 0x20) this.fail("Bad control character in string");
      if (c === 0x5c) {
        const e = t[this.i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.i + 2, this.i + 6)))
            this.fail("Bad Unicode escape in string");
          this.i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail("Bad escape sequence in string");
        this.i += 2;
        continue;
      }
      this.i++;
    }
    this.fail("Unterminated string", start);
  }

  private number(): void {
    const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    match.lastIndex = this.i;
    const found = match.exec(this.text);
    if (!found) this.fail("Invalid number");
    this.i += found[0].length;
    const next = this.text[this.i];
    if (next !== undefined && /[0-9.eE+-]/.test(next)) this.fail("Invalid number");
  }
}

function describeChar(text: string, i: number): string {
  const c = String.fromCodePoint(text.codePointAt(i) ?? 0);
  return c.trim() === "" || c.charCodeAt(0) < 0x20 ? JSON.stringify(c) : `"${c}"`;
}

/** 1-based line and column of a character offset. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}
