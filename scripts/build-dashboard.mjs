// Bundles the web dashboard (src/dashboard/ui) into dist/dashboard/web and the MCP App into one
// self-contained HTML file: no CDN, nothing fetched at run time.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const ui = new URL("../src/dashboard/ui/", import.meta.url);
const out = new URL("../dist/dashboard/web/", import.meta.url);
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  write: false,
  target: "es2022",
  legalComments: "none",
  logLevel: "warning",
};
const text = (result) => result.outputFiles[0].text;

const dashboard = await build({ ...common, entryPoints: [new URL("main.ts", ui).pathname], format: "esm" });
writeFileSync(new URL("app.js", out), text(dashboard));
const css = await build({ ...common, entryPoints: [new URL("styles.css", ui).pathname] });
writeFileSync(new URL("app.css", out), text(css));
writeFileSync(new URL("index.html", out), readFileSync(new URL("index.html", ui)));

// The MCP App is one HTML document: hosts load it from the resource's text into a sandboxed frame.
const app = await build({ ...common, entryPoints: [new URL("app.ts", ui).pathname], format: "iife" });
const script = text(app).replaceAll("</script", "<\\/script");
writeFileSync(
  new URL("mcp-app.html", out),
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Baton run</title><style>${text(css)}body{padding:8px}</style></head><body><main id="root" aria-live="polite"><p>Waiting for the tool result…</p></main><script>${script}</script></body></html>`,
);
