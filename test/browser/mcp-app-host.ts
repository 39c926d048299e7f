// Browser code of the tests (type-checked with src/dashboard/ui/tsconfig.json, which has the DOM).
// A minimal MCP Apps host for the browser test, built on the extension's own AppBridge: it frames
// the run view, hands it a tool result and forwards the view's tool calls to the test (and so to a
// real Baton server). Bundled by esbuild when the test runs.
import { AppBridge, PostMessageTransport } from "@modelcontextprotocol/ext-apps/app-bridge";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

interface HostGlobals {
  /** Exposed by the test: calls the tool on the Baton server. */
  hostCallTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<CallToolResult>;
  /** Starts the view with its HTML and the result of the tool it belongs to. */
  startView(html: string, result: CallToolResult): Promise<void>;
}

const host = globalThis as unknown as HostGlobals & { document: Document };

host.startView = async (html, result) => {
  const iframe = host.document.createElement("iframe");
  iframe.id = "app";
  iframe.title = "Baton run view";
  iframe.setAttribute("sandbox", "allow-scripts");
  iframe.style.width = "900px";
  iframe.style.height = "700px";
  host.document.body.append(iframe);
  const view = iframe.contentWindow as Window;
  const bridge = new AppBridge(null, { name: "baton-test-host", version: "0.0.0" }, { serverTools: {} });
  bridge.oncalltool = (params) => host.hostCallTool(params);
  bridge.oninitialized = () => {
    void bridge.sendToolInput({ arguments: {} }).then(() => bridge.sendToolResult(result));
  };
  await bridge.connect(new PostMessageTransport(view, view));
  iframe.srcdoc = html;
};
