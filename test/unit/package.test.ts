import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// What a user's `npm install` of this repository fetches: nothing that only the tests need.
const lock = JSON.parse(readFileSync(new URL("../../package-lock.json", import.meta.url), "utf8")) as {
  packages: Record<string, unknown>;
};

describe("package-lock.json", () => {
  it("fetches no Node binary and not the conformance suite (they come with .ci/tools)", () => {
    const names = Object.keys(lock.packages).map((key) => key.replace(/^.*node_modules\//, ""));
    expect(names.filter((name) => /^node-(linux|darwin|win)-/.test(name))).toEqual([]);
    expect(names).not.toContain("@modelcontextprotocol/conformance");
  });
});
