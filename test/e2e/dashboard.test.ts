import { mkdirSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { describe, expect } from "vitest";
import { createIteration } from "../../src/engine/create-iteration.js";
import { generatePrompts } from "../../src/engine/generate.js";
import { readLearnings, writeLearnings } from "../../src/engine/learnings.js";
import { validateIteration } from "../../src/engine/validation.js";
import { openEngine, textOfSize } from "../helpers/baton.js";
import { CHROMIUM } from "../helpers/browser.js";
import { test } from "../helpers/fixtures.js";
import { REPO_ROOT, writeFiles } from "../helpers/temp.js";
import { type SpawnedServer, spawnHttpServer, spawnServing } from "./http-server.js";

// `baton dashboard` spawned from dist/ over a copy of the example workspace mid-run (iteration 01
// failed its first validation), driven in a real headless Chromium. A deliverable written by this
// test process is another process's write as far as the dashboard is concerned.

const WORKFLOW = "user-story-refinement";
if (!CHROMIUM)
  console.warn("browser tests skipped (dashboard, MCP App): no Chromium; apt-get install -y chromium");

/** A raw request, so Host and Authorization can be anything. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, type: res.headers["content-type"] }));
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * The page's globals, as far as functions run in the page reach (this program has no DOM types).
 * String expressions would not do: the dashboard's CSP forbids eval, which waitForFunction uses for them.
 */
interface PageWindow {
  innerWidth: number;
  document: {
    documentElement: { scrollWidth: number };
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
    getElementById(id: string): { textContent: string | null } | null;
  };
}

function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

let dir: string;
let iterationId: string;
let firstReason: string;
let deliverable: string;
let assignmentId: string;
let dashboard: SpawnedServer;
let base: string;
let token: string;

// One copy of the example workspace and one dashboard for the file.
test.override({ shared: { example: true } });

test.beforeAll(async ({ sharedDir }) => {
  dir = sharedDir;
  const { engine, close } = openEngine(dir);
  try {
    const created = await createIteration(engine, { workflow: WORKFLOW });
    iterationId = created.iteration_id;
    const generated = await generatePrompts(engine, { iteration_id: iterationId });
    const first = generated.assignments[0];
    if (!first?.deliverables[0]) throw new Error("no assignment generated");
    assignmentId = first.id;
    deliverable = first.deliverables[0];
    const report = await validateIteration(engine, { iteration_id: iterationId });
    expect(report.passed).toBe(false);
    firstReason = report.failures[0]?.reason ?? "";
    expect(firstReason).not.toBe("");
    writeLearnings(dir, WORKFLOW, [
      {
        id: "remind-acceptance-criteria",
        enabled: true,
        kind: "reminder",
        role: "product_analyst",
        text: "Give every story Given/When/Then acceptance criteria.",
        evidence: { source: "validation", count: 2, of: 10, assignments: [first.id] },
      },
    ]);
  } finally {
    close();
  }
  dashboard = await spawnServing(
    ["-w", dir, "dashboard", "--port", "0"],
    / at (http:\/\/127\.0\.0\.1:\d+\/#token=\S+)$/,
  );
  const url = new URL(dashboard.url);
  base = url.origin;
  token = url.hash.replace("#token=", "");
});

test.afterAll(async () => {
  await dashboard?.stop();
});

describe("baton dashboard guards", () => {
  test("prints a link whose fragment carries the token, and serves the page at /", async () => {
    expect(token.length).toBeGreaterThanOrEqual(24);
    const page = await rawGet(`${base}/`, { Host: new URL(base).host });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
  });

  test("answers the API with the token and refuses a wrong or missing one", async () => {
    const host = new URL(base).host;
    const ok = await rawGet(`${base}/api/runs`, { Host: host, Authorization: `Bearer ${token}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)[0].workflow).toBe(WORKFLOW);
    const wrong = await rawGet(`${base}/api/runs`, { Host: host, Authorization: "Bearer not-the-token" });
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toContain(WORKFLOW);
    expect((await rawGet(`${base}/api/runs`, { Host: host })).status).toBe(401);
  });

  test("refuses a foreign Host (DNS rebinding) and a foreign Origin even with the token", async () => {
    const port = new URL(base).port;
    const foreign = await rawGet(`${base}/api/runs`, {
      Host: `evil.example:${port}`,
      Authorization: `Bearer ${token}`,
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain("evil.example");
    expect((await rawGet(`${base}/`, { Host: `evil.example:${port}` })).status).toBe(403);
    const origin = await rawGet(`${base}/api/runs`, {
      Host: `127.0.0.1:${port}`,
      Origin: "http://evil.example",
      Authorization: `Bearer ${token}`,
    });
    expect(origin.status).toBe(403);
  });

  test("answers bad actions with what was wrong and what is valid", async () => {
    const headers = { Host: new URL(base).host, Authorization: `Bearer ${token}` };
    const json = { ...headers, "Content-Type": "application/json" };
    const form = await rawPost(
      `${base}/api/learnings/${WORKFLOW}/remind-acceptance-criteria`,
      headers,
      "enabled=false",
    );
    expect(form.status).toBe(415);
    const unknown = await rawPost(
      `${base}/api/learnings/${WORKFLOW}/no-such-learning`,
      json,
      '{"enabled": false}',
    );
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body).error).toContain("no learning `no-such-learning`");
    const notBoolean = await rawPost(
      `${base}/api/learnings/${WORKFLOW}/remind-acceptance-criteria`,
      json,
      "{}",
    );
    expect(JSON.parse(notBoolean.body).error).toContain('{"enabled": false}');
    const run = await rawGet(`${base}/api/runs/no-such-run`, headers);
    expect(run.status).toBe(400);
    expect(JSON.parse(run.body).error).toContain("no-such-run");
    expect(run.body).not.toContain(dir);
  });
});

describe("baton serve --http serves the dashboard at /", () => {
  test("with BATON_TOKEN guarding its API as it guards /mcp", async () => {
    const server = await spawnHttpServer(dir, { env: { BATON_TOKEN: "serve-secret" } });
    try {
      const origin = new URL(server.url).origin;
      const host = new URL(server.url).host;
      const page = await rawGet(`${origin}/`, { Host: host });
      expect(page.status).toBe(200);
      expect(page.type).toContain("text/html");
      expect((await rawGet(`${origin}/api/runs`, { Host: host })).status).toBe(401);
      const runs = await rawGet(`${origin}/api/runs`, { Host: host, Authorization: "Bearer serve-secret" });
      expect(runs.status).toBe(200);
      expect(JSON.parse(runs.body)).toHaveLength(1);
      const foreign = await rawGet(`${origin}/api/runs`, {
        Host: "evil.example",
        Authorization: "Bearer serve-secret",
      });
      expect(foreign.status).toBe(403);
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(!CHROMIUM)("the dashboard in Chromium", () => {
  let browser: Browser;
  let page: Page;

  test.beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(dashboard.url);
    await page.locator('[data-node="requirements-analysis"]').waitFor({ timeout: 15_000 });
  });
  test.afterAll(async () => {
    await browser?.close();
  });

  test("shows the run's iteration graph, laid out, and a failure's reason", async () => {
    // The token left the address bar once read.
    expect(page.url()).not.toContain("token=");
    const nodes = await page
      .locator("svg.graph a[data-node]")
      .evaluateAll((links) =>
        links.map((a) => ({ name: a.getAttribute("data-node"), label: a.getAttribute("aria-label") })),
      );
    expect(nodes.map((n) => n.name)).toEqual([
      "requirements-analysis",
      "technical-design",
      "test-planning",
      "security-review",
      "estimation",
    ]);
    expect(nodes[0]?.label).toContain("failed");
    expect(nodes[1]?.label).toContain("waiting on requirements-analysis");
    expect(await page.locator("svg.graph path.edge").count()).toBe(4);
    await page.getByText(firstReason, { exact: false }).first().waitFor({ timeout: 10_000 });
    expect(await page.locator(".failures li").count()).toBeGreaterThan(0);
  });

  test("moves a progress bar when another process writes a deliverable, without a reload", async () => {
    const bar = page.locator(`[data-progress="${assignmentId}"]`);
    expect(await bar.getAttribute("aria-valuenow")).toBe("0");
    await page.evaluate("window.marker = 1");
    writeFiles(dir, { [deliverable]: textOfSize(400, "Requirements") });
    await page.waitForFunction(
      (id) =>
        Number(
          (globalThis as unknown as PageWindow).document
            .querySelector(`[data-progress="${id}"]`)
            ?.getAttribute("aria-valuenow"),
        ) > 0,
      assignmentId,
      { timeout: 10_000 },
    );
    // Same document: the marker set before the write is still there.
    expect(await page.evaluate("window.marker")).toBe(1);
    if (process.env.UPDATE_SCREENSHOT === "1") {
      mkdirSync(path.join(REPO_ROOT, "docs"), { recursive: true });
      await page.screenshot({ path: path.join(REPO_ROOT, "docs", "dashboard.png"), fullPage: false });
    }
  });

  test("disables a learning through its switch, in the learnings file the engine reads", async () => {
    const toggle = page.getByRole("switch", { name: "Enabled" });
    await toggle.click();
    await page.getByRole("switch", { name: "Disabled" }).waitFor({ timeout: 10_000 });
    expect(readLearnings(dir, WORKFLOW).map((l) => [l.id, l.enabled])).toEqual([
      ["remind-acceptance-criteria", false],
    ]);
  });

  test("re-validates an iteration through the engine from its button", async () => {
    const { store, close } = openEngine(dir);
    try {
      const before = store.latestValidation(iterationId)?.id ?? 0;
      await page.locator(`button[data-action="revalidate"][data-iteration="${iterationId}"]`).click();
      await page.waitForFunction(
        () =>
          /requirements-analysis: validation (passed|failed)/.test(
            (globalThis as unknown as PageWindow).document.getElementById("announce")?.textContent ?? "",
          ),
        undefined,
        { timeout: 20_000 },
      );
      expect(store.latestValidation(iterationId)?.id ?? 0).toBeGreaterThan(before);
    } finally {
      close();
    }
  });

  test("is usable by keyboard and screen reader: labelled controls, and no sideways scroll when narrow", async () => {
    // Every control and bar has a name a screen reader can read out.
    const unlabelled =
      await page.evaluate(`[...document.querySelectorAll("button, input, [role=progressbar], svg a")]
      .filter((el) => !(el.getAttribute("aria-label") || el.textContent.trim() || el.labels?.length)).length`);
    expect(unlabelled).toBe(0);
    await page.reload();
    await page.locator("[data-node]").first().waitFor({ timeout: 10_000 });
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.textContent")).toContain("Skip to the run");
    await page.keyboard.press("Enter");
    expect(await page.evaluate("document.activeElement.id")).toBe("run");
    await page.keyboard.press("Tab");
    expect(await page.evaluate('document.activeElement.getAttribute("data-node")')).toBe(
      "requirements-analysis",
    );
    await page.setViewportSize({ width: 400, height: 800 });
    await page.waitForFunction(
      () => {
        const page = globalThis as unknown as PageWindow;
        return page.document.documentElement.scrollWidth <= page.innerWidth;
      },
      undefined,
      { timeout: 5_000 },
    );
  });

  test("with a wrong token shows the refusal instead of data", async () => {
    const other = await browser.newPage();
    try {
      await other.goto(`${base}/#token=not-the-token`);
      const alert = other.getByRole("alert");
      await alert.waitFor({ timeout: 10_000 });
      expect(await alert.textContent()).toContain("Unauthorized");
      expect(await other.locator("[data-node]").count()).toBe(0);
    } finally {
      await other.close();
    }
  });
});
