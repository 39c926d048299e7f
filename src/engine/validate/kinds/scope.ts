import { workspaceKind } from "./kind.js";

export const scope = workspaceKind({
  name: "scope",
  params: {},
  passes: "no file outside the declared deliverables changed",
  describe: () => "no file outside the declared deliverables is created or changed",
  // git and the file walk load with the check, not at start-up.
  evaluate: async (_check, ctx) => (await import("../scope.js")).scopeCheck(ctx),
});
