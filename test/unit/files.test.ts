import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { indentedJsonPieces, writeFileAtomicFrom } from "../../src/engine/files.js";
import { test } from "../helpers/fixtures.js";

// The manifest is written piece by piece (#13: a 10,000-assignment manifest is tens of megabytes);
// the file must be byte for byte what JSON.stringify would have written, and as idempotent.

const whole = (object: Record<string, unknown>, key: string) =>
  [...indentedJsonPieces(object as Record<string, unknown[]>, key, (value) => value)].join("");

test("pieces join to exactly JSON.stringify(object, null, 2)", () => {
  const shapes: Record<string, unknown>[] = [
    {
      a: 1,
      items: [{ x: 'line\nbreak "quoted" \u2028', y: [1, [2, {}]], z: null }, 2, "three"],
      b: { c: [] },
    },
    { items: [], after: { deep: { deeper: [true, false] } } },
    { before: "only", items: [{ skipped: undefined, kept: 0 }], gone: undefined },
    { items: [[], {}, "", 0] },
  ];
  for (const shape of shapes) expect(whole(shape, "items")).toBe(JSON.stringify(shape, null, 2));
});

test("each element is made only when its turn comes", () => {
  const made: number[] = [];
  const pieces = indentedJsonPieces({ items: [1, 2, 3] }, "items", (value) => {
    made.push(value);
    return { value };
  });
  pieces.next();
  pieces.next();
  expect(made).toEqual([]);
  pieces.next();
  pieces.next();
  expect(made).toEqual([1]);
});

test("writes the pieces atomically and leaves an unchanged file and its mtime alone", ({ dir }) => {
  const file = path.join(dir, "out", "manifest.json");
  // Larger than one batch of writes.
  const pieces = () => ["{", '\n  "a": "', "x".repeat(300_000), '"\n}\n'];
  expect(writeFileAtomicFrom(file, pieces())).toBe(true);
  expect(readFileSync(file, "utf8")).toBe(pieces().join(""));
  const old = new Date("2020-01-01T00:00:00Z");
  utimesSync(file, old, old);
  expect(writeFileAtomicFrom(file, pieces())).toBe(false);
  expect(statSync(file).mtimeMs).toBe(old.getTime());
  expect(writeFileAtomicFrom(file, ["changed\n"])).toBe(true);
  expect(readFileSync(file, "utf8")).toBe("changed\n");
  expect(readdirSync(path.dirname(file))).toEqual(["manifest.json"]);
});

test("a piece that throws leaves the old file and no temp file", ({ dir }) => {
  const file = path.join(dir, "manifest.json");
  writeFileSync(file, "old\n");
  function* failing() {
    yield "x".repeat(300_000);
    throw new Error("rendering failed");
  }
  expect(() => writeFileAtomicFrom(file, failing())).toThrow("rendering failed");
  expect(readFileSync(file, "utf8")).toBe("old\n");
  expect(readdirSync(dir)).toEqual(["manifest.json"]);
});
