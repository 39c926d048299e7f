/** One escape sequence (`ESC [ … letter`) or one character. */
const ESCAPE_OR_CHAR = new RegExp(`${String.fromCharCode(27)}\\[[?0-9;]*[A-Za-z]|[\\s\\S]`, "gu");

/**
 * A tiny terminal: enough of ANSI (cursor up, carriage return, clear to end of screen, cursor
 * visibility) to replay what the progress bars write and read back the final screen.
 */
export class Screen {
  readonly lines: string[] = [""];
  private row = 0;
  private col = 0;
  readonly columns = 120;
  readonly rows = 40;

  write(chunk: string): boolean {
    const tokens = chunk.match(ESCAPE_OR_CHAR) ?? [];
    for (const t of tokens) {
      if (t === "\n") {
        this.row++;
        this.col = 0;
        while (this.lines.length <= this.row) this.lines.push("");
      } else if (t === "\r") this.col = 0;
      else if (t.startsWith("\u001b[")) this.control(t);
      else {
        const line = [...(this.lines[this.row] ?? "").padEnd(this.col)];
        line[this.col++] = t;
        this.lines[this.row] = line.join("");
      }
    }
    return true;
  }

  private control(seq: string): void {
    const op = seq.at(-1);
    const n = Number(seq.slice(2, -1)) || 1;
    if (op === "A") this.row = Math.max(0, this.row - n);
    else if (op === "J") {
      this.lines[this.row] = [...(this.lines[this.row] ?? "")].slice(0, this.col).join("");
      this.lines.length = this.row + 1;
    } else if (seq !== "\u001b[?25l" && seq !== "\u001b[?25h")
      throw new Error(`unexpected escape ${JSON.stringify(seq)}`);
  }

  /** The screen's text, trailing empty lines dropped. */
  text(): string[] {
    const out = [...this.lines];
    while (out.length > 0 && out.at(-1) === "") out.pop();
    return out;
  }
}
