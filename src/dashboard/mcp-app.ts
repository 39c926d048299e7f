// The MCP App link (the MCP Apps extension, io.modelcontextprotocol/ui): one `ui://` resource, and
// the `_meta` that tools carry so hosts supporting the extension render it beside their results.
// Kept free of imports: the tool definitions load this at start-up.

export const RUN_VIEW_URI = "ui://baton/run-view.html";

/** The extension's MIME type for app HTML (RESOURCE_MIME_TYPE of @modelcontextprotocol/ext-apps). */
export const MCP_APP_MIME_TYPE = "text/html;profile=mcp-app";

/** Tool `_meta` naming the view; hosts without the extension ignore it. */
export const RUN_VIEW_META = { ui: { resourceUri: RUN_VIEW_URI } };
