/**
 * Test-only fault injection: `BATON_FAULT=<point>` kills the process with SIGKILL at that point, as
 * `kill -9` would, so tests can reproduce a crash at an exact step (test/e2e/generate-crash.test.ts).
 * Points: `after-assignments` (generate_prompts committed the assignments, no prompt written yet).
 * Unset in normal use; the check is one environment lookup.
 */
export function faultPoint(point: "after-assignments"): void {
  if (process.env.BATON_FAULT === point) process.kill(process.pid, "SIGKILL");
}
