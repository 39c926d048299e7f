import { execFile } from "node:child_process";
import { copyFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect } from "vitest";
import { test } from "../helpers/fixtures.js";
import { REPO_ROOT, writeFiles } from "../helpers/temp.js";

// The layer rules of `npm run lint` (.dependency-cruiser.cjs, run by scripts/check-layers.mjs) against
// a small project that breaks each of them once: the real rule file, the real checker, planted imports.

const exec = promisify(execFile);

async function checkLayers(root: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [
      path.join(REPO_ROOT, "scripts/check-layers.mjs"),
      root,
    ]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw error;
    return { code: e.code, output: (e.stdout ?? "") + (e.stderr ?? "") };
  }
}

describe("layer rules (npm run lint)", () => {
  let project: string;

  test.beforeAll(({ sharedDir }) => {
    project = sharedDir;
    copyFileSync(
      path.join(REPO_ROOT, ".dependency-cruiser.cjs"),
      path.join(project, ".dependency-cruiser.cjs"),
    );
    copyFileSync(path.join(REPO_ROOT, "tsconfig.json"), path.join(project, "tsconfig.json"));
    // A stand-in for the MCP SDK: the rules match the package by its place in node_modules.
    writeFiles(project, {
      "node_modules/@modelcontextprotocol/sdk/package.json": '{ "name": "@modelcontextprotocol/sdk" }\n',
      "node_modules/@modelcontextprotocol/sdk/types.js": "export const LATEST_PROTOCOL_VERSION = 1;\n",
      "src/store/store.ts": "export const store = 1;\n",
      "src/engine/engine.ts": 'import { store } from "../store/store.js";\nexport const engine = store;\n',
      "src/tools/tool.ts": 'import { engine } from "../engine/engine.js";\nexport const tool = engine;\n',
    });
  });

  test("fails on a cycle, on the core importing MCP, and on the store importing the engine", async () => {
    writeFiles(project, {
      "src/engine/a.ts": 'import { b } from "./b.js";\nexport const a = () => b;\n',
      "src/engine/b.ts": 'import { a } from "./a.js";\nexport const b = () => a;\n',
      "src/config/schema.ts":
        'import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";\nexport const v = LATEST_PROTOCOL_VERSION;\n',
      "src/engine/hint.ts": 'import { tool } from "../tools/tool.js";\nexport const hint = tool;\n',
      "src/store/records.ts": 'import { engine } from "../engine/engine.js";\nexport const r = engine;\n',
    });
    const { code, output } = await checkLayers(project);
    expect(code).not.toBe(0);
    // Only the planted imports: the layered modules above pass.
    expect(output).toContain("x 4 dependency violations");
    expect(output).toMatch(/no-circular: src\/engine\/(a|b)\.ts/);
    expect(output).toMatch(/core-not-mcp: src\/config\/schema\.ts → \S*@modelcontextprotocol\/sdk/);
    expect(output).toContain("core-not-mcp: src/engine/hint.ts → src/tools/tool.ts");
    expect(output).toContain("store-stands-alone: src/store/records.ts → src/engine/engine.ts");
  });
});
