import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect } from "vitest";
import {
  jsonObjects,
  parseUsageFile,
  readUsageFile,
  USAGE_FILE_MAX_BYTES,
} from "../../src/engine/agents/usage.js";
import { test } from "../helpers/fixtures.js";

let dir: string;
const LABEL = ".baton/usage/it-1__coder-1.json";

test.beforeEach(({ dir: workspace }) => {
  dir = workspace;
});

function write(content: string): string {
  const file = path.join(dir, "usage.json");
  writeFileSync(file, content);
  return file;
}

describe("BATON_USAGE_FILE", () => {
  test("reads the documented object", () => {
    const file = write('{"input_tokens":12000,"output_tokens":1800,"cost_usd":0.05}\n');
    expect(readUsageFile(file, LABEL)).toEqual({
      usage: { input_tokens: 12000, output_tokens: 1800, cost_usd: 0.05 },
    });
  });

  test("takes the optional cache parts of the input", () => {
    expect(
      parseUsageFile(
        '{"input_tokens":900,"output_tokens":10,"cache_read_tokens":600,"cache_write_tokens":200}',
        LABEL,
      ),
    ).toEqual({
      usage: { input_tokens: 900, output_tokens: 10, cache_read_tokens: 600, cache_write_tokens: 200 },
    });
  });

  const invalid: [string, string, string][] = [
    ["no file", "", `the launcher wrote no usage file (${LABEL})`],
    [
      "an empty file",
      "  \n",
      `${LABEL} is empty; expected {"input_tokens":12000,"output_tokens":1800,"cost_usd":0.05}`,
    ],
    ["text", "input=3 output=4", `${LABEL} is not JSON (`],
    ["an array", "[1,2]", `${LABEL} holds [1,2]; expected an object like`],
    [
      "a misspelt key",
      '{"input_tokens":1,"output_token":2}',
      `${LABEL}: unknown key \`output_token\`; valid keys: input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd`,
    ],
    [
      "a missing count",
      '{"input_tokens":1}',
      `${LABEL}.output_tokens is missing, not a non-negative integer`,
    ],
    [
      "a string count",
      '{"input_tokens":"1","output_tokens":2}',
      `${LABEL}.input_tokens is "1", not a non-negative integer`,
    ],
    [
      "a fraction",
      '{"input_tokens":1,"output_tokens":2.5}',
      `${LABEL}.output_tokens is 2.5, not a non-negative integer`,
    ],
    [
      "a negative cost",
      '{"input_tokens":1,"output_tokens":2,"cost_usd":-1}',
      `${LABEL}.cost_usd is -1, not a non-negative number of US dollars`,
    ],
    [
      "cache parts larger than the input",
      '{"input_tokens":100,"output_tokens":2,"cache_read_tokens":90,"cache_write_tokens":20}',
      `${LABEL}: cache_read_tokens + cache_write_tokens (110) exceed input_tokens (100); input_tokens counts all input, cached included`,
    ],
  ];
  for (const [what, content, reason] of invalid) {
    test(`${what}: no usage, and the reason says what is wrong`, () => {
      const file = what === "no file" ? path.join(dir, "absent.json") : write(content);
      const result = readUsageFile(file, LABEL);
      expect(result.usage).toBeNull();
      expect(result.reason).toContain(reason);
      expect(result.reason).not.toContain(dir);
    });
  }

  test("refuses a symlink, which could point anywhere on the machine", () => {
    const target = write('{"input_tokens":1,"output_tokens":2}');
    const link = path.join(dir, "link.json");
    symlinkSync(target, link);
    expect(readUsageFile(link, LABEL)).toEqual({
      usage: null,
      reason: `${LABEL} is a symlink; write the usage file itself`,
    });
  });

  test("refuses a directory and an oversized file", () => {
    const sub = path.join(dir, "sub");
    mkdirSync(sub);
    expect(readUsageFile(sub, LABEL)).toEqual({ usage: null, reason: `${LABEL} is not a regular file` });
    const big = write(`{"input_tokens":1,"output_tokens":2}${" ".repeat(USAGE_FILE_MAX_BYTES)}`);
    expect(readUsageFile(big, LABEL).reason).toBe(
      `${LABEL} has ${USAGE_FILE_MAX_BYTES + 36} bytes; a usage file is one small JSON object (at most ${USAGE_FILE_MAX_BYTES})`,
    );
  });
});

describe("JSON objects in a mixed log", () => {
  test("finds one-line and pretty-printed objects between plain lines, in order", () => {
    const log = 'warning: slow disk\n{"a":1}\nnot {json}\n{\n  "b": {\n    "c": 2\n  }\n}\n[1]\n{"d":3}\r\n';
    expect(jsonObjects(log)).toEqual([{ a: 1 }, { b: { c: 2 } }, { d: 3 }]);
  });
});
