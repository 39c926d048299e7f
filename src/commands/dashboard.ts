import { spawn } from "node:child_process";
import type { ServerDeps } from "../server.js";
import type { Output } from "./output.js";

/** `baton dashboard`: serves the web view until SIGINT/SIGTERM; the caller's store is closed on the way out. */
export async function dashboardCommand(
  deps: ServerDeps,
  options: { port: number; open?: boolean },
  out: Output,
): Promise<number> {
  const { startDashboard } = await import("../dashboard/serve.js");
  const handle = await startDashboard(deps, { port: options.port, token: process.env.BATON_TOKEN });
  out.error(`baton: dashboard for ${deps.workspace.root} at ${handle.url}`);
  out.error("baton: the link carries the access token; Ctrl-C stops the dashboard");
  if (options.open) openBrowser(handle.url, out);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await handle.close();
  return 0;
}

/** The platform's opener; a missing one only costs the convenience, so it is reported, not fatal. */
function openBrowser(url: string, out: Output): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", '""', url]]
        : ["xdg-open", [url]];
  const child = spawn(command, args as string[], { stdio: "ignore", detached: true });
  child.once("error", () => out.error(`baton: could not start ${command}; open the link above yourself`));
  child.unref();
}
