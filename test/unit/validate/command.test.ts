import { describe, expect, it } from "vitest";
import { one, workspaceWith } from "./helpers.js";

describe("command", () => {
  it("is skipped unless the operator allowed commands", async () => {
    const ws = workspaceWith();
    expect(await one(ws, { check: "command", run: "echo hi" })).toEqual({
      check: "command",
      status: "skipped",
      reason:
        "`echo hi` not run: commands are disabled; the operator enables them with --allow-commands or BATON_ALLOW_COMMANDS=1",
    });
  });

  it("passes on exit 0, in the workspace, with its output", async () => {
    const ws = workspaceWith({ "marker.txt": "here\n" });
    expect(await one(ws, { check: "command", run: "cat marker.txt" }, { allowCommands: true })).toEqual({
      check: "command",
      status: "passed",
      reason: "`cat marker.txt` exited 0; output:\nhere",
    });
  });

  it("fails on a non-zero exit with stdout and stderr", async () => {
    const ws = workspaceWith();
    expect(
      await one(ws, { check: "command", run: "echo out; echo err >&2; exit 3" }, { allowCommands: true }),
    ).toEqual({
      check: "command",
      status: "failed",
      reason: "`echo out; echo err >&2; exit 3` exited with code 3; output:\nout\nerr",
      miss: { expected: 0, found: 3 },
    });
  });

  it("keeps only the tail of long output", async () => {
    const ws = workspaceWith();
    const result = await one(
      ws,
      { check: "command", run: "for i in $(seq 1 2000); do echo line-$i; done; exit 1" },
      { allowCommands: true },
    );
    expect(result.status).toBe("failed");
    expect(result.reason).toMatch(
      /^`for i in .*` exited with code 1; output:\n\[… \d+ characters omitted\]\n/,
    );
    expect(result.reason.endsWith("line-1999\nline-2000")).toBe(true);
    expect(result.reason.length).toBeLessThan(2200);
  });

  it("stops a command that runs out of time, with everything it started", async () => {
    const ws = workspaceWith();
    const result = await one(
      ws,
      { check: "command", run: "echo started; sleep 30; echo never", timeout_s: 0.5 },
      { allowCommands: true },
    );
    expect(result).toEqual({
      check: "command",
      status: "failed",
      reason:
        "`echo started; sleep 30; echo never` did not finish within 0.5 s and was stopped; output:\nstarted",
      miss: { expected: 0, found: "timeout" },
    });
  });

  it("carries the check's description", async () => {
    const ws = workspaceWith();
    const result = await one(
      ws,
      { check: "command", run: "true", description: "the build passes" },
      { allowCommands: true },
    );
    expect(result).toEqual({
      check: "command",
      status: "passed",
      reason: "`true` exited 0; no output",
      description: "the build passes",
    });
  });
});
