import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createServer, openDeps } from "../../src/server.js";

/** An SDK client connected in memory to a Baton server on `workspace` (real store and files). */
export async function connectInMemory(
  workspace: string,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const deps = openDeps({ workspace });
  const built = createServer(deps);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await built.server.connect(serverTransport);
  const client = new Client({ name: "baton-test", version: "0.0.0" });
  await client.connect(clientTransport);
  return {
    client,
    close: async () => {
      await client.close();
      await built.close();
      deps.store.close();
    },
  };
}
