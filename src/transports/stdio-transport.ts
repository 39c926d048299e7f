import process from "node:process";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

/** The SDK's own limit for one stdio message; Baton's tool inputs are far smaller. */
export const MAX_STDIO_MESSAGE_BYTES = 10 * 1024 * 1024;
/** How much of the start and end of an oversized message is kept to find its `id` for the error answer. */
const HEAD_BYTES = 4096;
const TAIL_BYTES = 512;

/** JSON-RPC error codes for input that never becomes a message. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

/**
 * Newline-delimited JSON-RPC over stdin/stdout, like the SDK's StdioServerTransport, except that bad
 * input does not end the session: the SDK closes the transport when a message exceeds its buffer
 * (the server then sat deaf, or exited 0 in silence). Here a message over the limit is skipped up to
 * its newline without being buffered, and answered with a JSON-RPC error (its `id` when the start
 * of the message shows it, else null); unparsable lines get a parse error. Then reading goes on.
 */
export class GuardedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private chunks: Buffer[] = [];
  private size = 0;
  /** While skipping an oversized message: its first bytes and its length so far. */
  private skipping: { head: Buffer; tail: Buffer; size: number } | undefined;
  private started = false;
  private closed = false;

  constructor(
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly maxBytes = MAX_STDIO_MESSAGE_BYTES,
  ) {}

  async start(): Promise<void> {
    if (this.started) throw new Error("GuardedStdioTransport already started");
    this.started = true;
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onStreamError);
  }

  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  private readonly onData = (chunk: Buffer) => {
    let rest = chunk;
    for (;;) {
      const newline = rest.indexOf(10);
      const part = newline === -1 ? rest : rest.subarray(0, newline);
      if (this.skipping) {
        if (this.skipping.head.length < HEAD_BYTES) {
          this.skipping.head = Buffer.concat([this.skipping.head, part.subarray(0, HEAD_BYTES)]);
        }
        this.skipping.tail = lastBytes(
          Buffer.concat([this.skipping.tail, lastBytes(part, TAIL_BYTES)]),
          TAIL_BYTES,
        );
        this.skipping.size += part.length;
      } else if (this.size + part.length > this.maxBytes) {
        const head = Buffer.concat([...this.chunks, part.subarray(0, HEAD_BYTES)]).subarray(0, HEAD_BYTES);
        this.skipping = {
          head,
          tail: Buffer.from(lastBytes(part, TAIL_BYTES)),
          size: this.size + part.length,
        };
        this.chunks = [];
        this.size = 0;
      } else if (part.length > 0) {
        // Copied: the stream may reuse the chunk's memory.
        this.chunks.push(Buffer.from(part));
        this.size += part.length;
      }
      if (newline === -1) return;
      this.endLine();
      rest = rest.subarray(newline + 1);
    }
  };

  private endLine(): void {
    if (this.skipping) {
      const { head, tail, size } = this.skipping;
      this.skipping = undefined;
      void this.answerError(
        idIn(head.toString("utf8"), tail.toString("utf8")),
        INVALID_REQUEST,
        `message of ${size} bytes is over the ${this.maxBytes}-byte limit and was ignored; send smaller requests`,
      );
      return;
    }
    const line = Buffer.concat(this.chunks).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.size = 0;
    if (line.trim() === "") return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      void this.answerError(null, PARSE_ERROR, "parse error: the line is not JSON");
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = (json as { id?: unknown } | null)?.id;
      void this.answerError(
        typeof id === "string" || typeof id === "number" ? id : null,
        INVALID_REQUEST,
        "invalid request: not a JSON-RPC 2.0 message",
      );
      return;
    }
    this.onmessage?.(parsed.data);
  }

  private answerError(id: string | number | null, code: number, message: string): Promise<void> {
    // The SDK's message type requires an id; JSON-RPC answers unidentifiable input with null.
    return this.write(`${JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } })}\n`);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.write(`${JSON.stringify(message)}\n`);
  }

  private write(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed || this.stdout.write(text)) resolve();
      else this.stdout.once("drain", resolve);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onStreamError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.chunks = [];
    this.skipping = undefined;
    this.onclose?.();
  }
}

function lastBytes(buffer: Buffer, n: number): Buffer {
  return buffer.length > n ? buffer.subarray(buffer.length - n) : buffer;
}

const ID = String.raw`"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")`;

/**
 * The `id` of an oversized JSON-RPC message, else null: the last member before the closing brace
 * (where the SDK's client puts it), or a member near the start that comes before any `params`
 * (so an `id` inside the arguments is not mistaken for it).
 */
function idIn(head: string, tail: string): string | number | null {
  const last = new RegExp(`${ID}\\s*}\\s*$`).exec(tail);
  const first = new RegExp(ID).exec(head);
  const paramsAt = head.indexOf('"params"');
  const value = last?.[1] ?? (first && (paramsAt === -1 || first.index < paramsAt) ? first[1] : undefined);
  if (value === undefined) return null;
  return value.startsWith('"') ? (JSON.parse(value) as string) : Number(value);
}
