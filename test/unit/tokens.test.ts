import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { countTokens as reference } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { loadPromptCounter } from "../../src/engine/tokens.js";
import { REPO_ROOT } from "../helpers/temp.js";

describe("segmented token counting", () => {
  it("equals a whole-text o200k count on the repository's own text files", async () => {
    const count = await loadPromptCounter();
    for (const dir of [
      "templates",
      "templates/partials",
      "roles",
      "workflows",
      "docs",
      "src/engine",
      "src/config",
    ]) {
      for (const name of readdirSync(path.join(REPO_ROOT, dir))) {
        if (!/\.(md|hbs|yaml|ts)$/.test(name)) continue;
        const text = readFileSync(path.join(REPO_ROOT, dir, name), "utf8");
        expect(count(text), `${dir}/${name}`).toBe(reference(text));
      }
    }
  });

  it("equals a whole-text count on random text built from the characters that matter at line starts", async () => {
    const count = await loadPromptCounter();
    const alphabet = [
      "/",
      "*",
      "a",
      "B",
      " ",
      "\n",
      "\t",
      ".",
      "'",
      "s",
      "1",
      "é",
      "😀",
      "\r",
      "-",
      "#",
      "`",
      "\f",
    ];
    let x = 7;
    for (let k = 0; k < 20_000; k++) {
      let text = "";
      for (let i = 0; i <= k % 40; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        text += alphabet[x % alphabet.length];
      }
      expect(count(text), JSON.stringify(text)).toBe(reference(text));
    }
  });
});
