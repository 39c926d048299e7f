// One measured task in a fresh process, so its peak RSS is its own (process.resourceUsage().maxRSS):
// `generate` (create_iteration + generate_prompts) or `validate` (validate_iteration + get_status)
// through the real MCP tools (in-memory transport), reporting each result's size as sent.
// Prints one JSON line. Started by bench/run.ts; never by npm test.

import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { loadTokenizer } from "../src/engine/tokens.js";

// The built server (dist/), as `baton serve` runs it: server.ts finds package.json next to its folder.
const { createServer, openDeps } = (await import(
  fileURLToPath(new URL("../../dist/server.js", import.meta.url))
)) as typeof import("../src/server.js");

const [task, dir, iterationId, runId] = process.argv.slice(2);
const deps = openDeps({ workspace: dir as string });
const built = createServer(deps);
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await built.server.connect(serverSide);
const client = new Client({ name: "bench", version: "0" });
await client.connect(clientSide);
await loadTokenizer(); // loaded by any earlier call in a real session; not part of the figure

async function call(name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  return {
    kb: Buffer.byteLength(JSON.stringify(result)) / 1024,
    data: result.structuredContent as Record<string, unknown>,
  };
}

const start = performance.now();
const out: Record<string, unknown> = {};
if (task === "generate") {
  const created = await call("create_iteration", { workflow: "bench" });
  const id = created.data.iteration_id as string;
  const generated = await call("generate_prompts", { iteration_id: id });
  Object.assign(out, {
    iteration_id: id,
    run_id: created.data.run_id,
    create_kb: created.kb,
    generate_kb: generated.kb,
    prompts: (generated.data.totals as { assignments: number }).assignments,
  });
} else {
  const validated = await call("validate_iteration", { iteration_id: iterationId });
  const status = await call("get_status", { run_id: runId });
  Object.assign(out, { validate_kb: validated.kb, status_kb: status.kb });
}
out.ms = performance.now() - start;
out.max_rss_mb = process.resourceUsage().maxRSS / 1024;
await client.close();
await built.close();
deps.store.close();
console.log(JSON.stringify(out));
