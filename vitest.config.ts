import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // e2e tests spawn the built server; the 2-core CI machine needs headroom, not speed.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
