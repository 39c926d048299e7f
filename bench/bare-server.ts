// The floor for start-up figures: a bare SDK server with nothing registered, over stdio.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const server = new McpServer({ name: "bare", version: "0.0.0" });
await server.connect(new StdioServerTransport());
