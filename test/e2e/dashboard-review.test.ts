import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { describe, expect } from "vitest";
import { validateIteration } from "../../src/engine/validation.js";
import { openEngine, textOfSize } from "../helpers/baton.js";
import { CHROMIUM } from "../helpers/browser.js";
import { test } from "../helpers/fixtures.js";
import { gatedWorkflow, startIteration } from "../helpers/items.js";
import { roleLibrary, writeFiles } from "../helpers/temp.js";
import { spawnHttpServer } from "./http-server.js";

// Approve and reject from the web dashboard (#18 with #17): the built `baton serve --http` over a
// workspace whose first iteration waits for a person, driven by keyboard in headless Chromium.
// The buttons act through the engine's reviewIteration, as review_iteration and `baton review` do.

test.override({
  shared: {
    files: {
      ...roleLibrary(),
      ".baton/workflows/gated.yaml": gatedWorkflow(["Every figure names its source"]),
    },
  },
});

/** Brings the draft to awaiting_approval by writing it and validating, as another process would. */
async function passChecks(dir: string, iterationId: string, body: string): Promise<void> {
  writeFiles(dir, { "docs/draft.md": textOfSize(400, body) });
  const { engine, close } = openEngine(dir);
  try {
    const report = await validateIteration(engine, { iteration_id: iterationId });
    expect(report.awaiting_approval).toBe(true);
  } finally {
    close();
  }
}

function stateOf(dir: string, iterationId: string): { iteration: string; assignments: string[] } {
  const { store, close } = openEngine(dir);
  try {
    const iteration = store.getIteration(iterationId);
    return {
      iteration: iteration?.state ?? "missing",
      assignments: store.listAssignments(iterationId).map((a) => a.state),
    };
  } finally {
    close();
  }
}

describe.skipIf(!CHROMIUM)("approve and reject in the dashboard", () => {
  let dir: string;
  let iterationId: string;
  let runPath: string;
  let server: Awaited<ReturnType<typeof spawnHttpServer>>;
  let browser: Browser;
  let page: Page;

  test.beforeAll(async ({ sharedDir }) => {
    dir = sharedDir;
    const { engine, close } = openEngine(dir);
    try {
      ({ iterationId, path: runPath } = await startIteration(engine, "gated"));
    } finally {
      close();
    }
    await passChecks(dir, iterationId, "Draft");
    server = await spawnHttpServer(dir, { env: { BATON_TOKEN: "review-secret" } });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${new URL(server.url).origin}/#token=review-secret`);
    await page.locator('[data-node="draft"]').waitFor({ timeout: 15_000 });
  });
  test.afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("shows Approve and Reject only for the iteration awaiting approval, with its criteria labelled", async () => {
    const review = page.getByRole("group", { name: "Review draft" });
    await review.waitFor({ timeout: 10_000 });
    expect(await review.getByRole("button", { name: "Approve" }).count()).toBe(1);
    expect(await review.getByRole("button", { name: "Reject" }).count()).toBe(1);
    expect(await page.locator('button[data-action="approve"]').count()).toBe(1);
    expect(await review.getByRole("checkbox", { name: "The draft reads well to a person" }).isChecked()).toBe(
      true,
    );
    expect(await review.getByRole("checkbox", { name: "Every figure names its source" }).count()).toBe(1);
    expect(await page.locator('[data-node="draft"]').getAttribute("aria-label")).toContain(
      "awaiting approval",
    );
  });

  test("rejects by keyboard: notes and an unmet criterion reach the rework prompt through the engine", async () => {
    const review = page.getByRole("group", { name: "Review draft" });
    await review.getByRole("textbox", { name: /Your name/ }).focus();
    await page.keyboard.type("Ana");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Cite the sources of every figure.");
    // The criteria follow the notes; Space unticks the focused checkbox.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.labels?.[0]?.textContent ?? ''")).toBe(
      "Every figure names its source",
    );
    await page.keyboard.press("Space");
    await review.getByRole("button", { name: "Reject" }).focus();
    await page.keyboard.press("Enter");
    await page.getByText(/draft: rejected, 1 assignment\(s\) sent to rework/).waitFor({ timeout: 15_000 });

    expect(stateOf(dir, iterationId)).toEqual({ iteration: "generated", assignments: ["pending"] });
    const prompts = readdirSync(path.join(dir, runPath, "agent-prompts")).filter((f) =>
      f.includes("-rework-"),
    );
    expect(prompts).toHaveLength(1);
    const rework = readFileSync(path.join(dir, runPath, "agent-prompts", prompts[0] ?? ""), "utf8");
    expect(rework).toContain("Ana rejected them");
    expect(rework).toContain("> Cite the sources of every figure.");
    const unmet = rework.slice(rework.indexOf("## Criteria not met"), rework.indexOf("## Deliverables"));
    expect(unmet).toContain("- Every figure names its source");
    expect(unmet).not.toContain("The draft reads well to a person");
    // The buttons are gone until the checks pass again.
    await page.locator('button[data-action="approve"]').waitFor({ state: "detached", timeout: 10_000 });
  });

  test("approves once the checks pass again; the run's next iteration may start", async () => {
    await passChecks(dir, iterationId, "Draft with sources");
    const approve = page.locator(`button[data-action="approve"][data-iteration="${iterationId}"]`);
    await approve.waitFor({ timeout: 15_000 });
    await approve.focus();
    await page.keyboard.press("Enter");
    await page.getByText(/draft: approved/).waitFor({ timeout: 15_000 });
    expect(stateOf(dir, iterationId).iteration).toBe("passed");
    await page.locator('[data-node="publish"][aria-label*="gate open"]').waitFor({ timeout: 10_000 });
    const report = readFileSync(path.join(dir, runPath, "VALIDATION.md"), "utf8");
    expect(report).toMatch(/### Rejected by Ana at \d{4}-/);
    expect(report).toMatch(/### Approved by unnamed reviewer at \d{4}-/);
    expect(await page.getByText(/Approval: approved by unnamed reviewer/).count()).toBe(1);
  });

  test("answers a bad review request with what is valid", async () => {
    const origin = new URL(server.url).origin;
    const res = await fetch(`${origin}/api/iterations/${encodeURIComponent(iterationId)}/review`, {
      method: "POST",
      headers: { Authorization: "Bearer review-secret", "Content-Type": "application/json" },
      body: JSON.stringify({ decision: "maybe" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(
      '{"decision": "approve"} or {"decision": "reject"}',
    );
  });
});
