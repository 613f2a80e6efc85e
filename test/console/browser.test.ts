/**
 * The console in a real browser (Debian's Chromium driven by playwright-core) against a running local platform:
 * iris and its production alias are shown, two versions compare, a promotion through the UI shows the gate and
 * changes the served version, and a read-only session can neither see nor use the actions.
 * Skipped, saying so, where /usr/bin/chromium is absent (`apt-get install -y chromium`).
 * With CONSOLE_SCREENSHOTS=<dir> the pages are saved there as PNG (docs/console holds the ones docs/console.md shows).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ingestFile, promoteModel, trainModel } from "@ai-platform/training";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalPlatform, type RunningPlatform } from "../../local/platform";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`console browser tests skipped: ${CHROMIUM} is absent (install it with: apt-get install -y chromium)`);

const root = mkdtempSync(join(tmpdir(), "console-browser-"));
const shots = process.env.CONSOLE_SCREENSHOTS;
let platform: RunningPlatform;
let browser: Browser;
let operator: BrowserContext;
let page: Page;
let base: string;

async function shot(p: Page, name: string): Promise<void> {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** WCAG 2.x A and AA violations axe-core finds on the page open at `path` (`p`'s context lets axe's script in). */
async function accessibilityViolations(
  p: Page,
  path: string,
  dropLabels = false,
): Promise<{ id: string; nodes: number }[]> {
  await p.goto(`${base}${path}`);
  await p.addScriptTag({ path: createRequire(__filename).resolve("axe-core/axe.min.js") });
  if (dropLabels) await p.locator("label").evaluateAll((labels) => labels.forEach((l) => l.remove()));
  return await p.evaluate(async () => {
    const axe = (
      globalThis as unknown as { axe: { run(o: object): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }
    ).axe;
    const result = await axe.run({ runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return result.violations.map((v) => ({ id: v.id, nodes: v.nodes.length }));
  });
}

async function servedVersion(): Promise<string> {
  const response = await fetch(platform.example.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(platform.example.body),
  });
  return ((await response.json()) as { model_version: string }).model_version;
}

describe.skipIf(!hasChromium)("the console in Chromium", () => {
  beforeAll(async () => {
    platform = await startLocalPlatform({
      dataDir: join(root, ".platform"),
      port: 0,
      consolePort: 0,
      pollIntervalMs: 200,
    });
    const conn = platform.state.connection;
    // v2: a deliberately weak model made production by force; v3: the default model, which the gate prefers.
    await trainModel(conn, { dataset: "iris", model: "iris", actor: "test", hyperparameters: { epochs: 1, lr: 1e-6 } });
    await promoteModel(conn, { name: "iris", version: 2, actor: "test", force: true, reason: "weak on purpose" });
    await trainModel(conn, { dataset: "iris", model: "iris", actor: "test" });
    // A dataset whose ingest rejects one row (a duplicate), for the datasets view.
    writeFileSync(join(root, "flowers.csv"), "a,b,species\n1,2,x\n1,2,x\n4,5,z\n");
    await ingestFile(conn, { file: join(root, "flowers.csv"), dataset: "flowers", label: "species" });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    operator = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    page = await operator.newPage();
    base = new URL(platform.state.consoleUrl).origin;
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("shows the iris model and its production alias after the operator signs in", async () => {
    await expect.poll(servedVersion, { timeout: 10_000 }).toBe("2");
    await page.goto(platform.state.consoleUrl);
    expect(new URL(page.url()).pathname).toBe("/");
    const row = page.getByRole("row", { name: /iris/ });
    await expect.poll(() => row.textContent()).toContain("production v2");
    expect(await row.getByRole("cell").first().textContent()).toBe("3");
    expect(await page.getByText("Operator:").textContent()).toContain("console:");
    await shot(page, "models");
    await page.getByRole("link", { name: "iris" }).click();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Model iris");
    expect(await page.getByRole("row", { name: /^v2 production/ }).count()).toBe(1);
    await shot(page, "model");
  });

  it("shows a dataset's schema, versions and the rows its ingest rejected", async () => {
    await page.goto(`${base}/datasets`);
    expect(await page.getByRole("row", { name: /^iris/ }).count()).toBe(1);
    await page.getByRole("link", { name: "flowers" }).click();
    expect(
      await page
        .getByRole("row", { name: /^species/ })
        .getByRole("cell")
        .allInnerTexts(),
    ).toEqual(["string", "label"]);
    const rejected = page.getByRole("table", { name: /^Ingest run 1 / });
    expect(await rejected.locator("caption").innerText()).toMatch(/3 read, 2 written, 1 rejected$/);
    expect(await rejected.getByRole("row").nth(1).getByRole("cell").allInnerTexts()).toEqual([
      "3",
      "duplicate row (same values as line 2)",
    ]);
    await shot(page, "dataset");
  });

  it("compares two versions: metrics side by side, confusion matrices and parity", async () => {
    await page.goto(`${base}/models/iris`);
    await page.getByLabel("Version", { exact: true }).selectOption("2");
    await page.getByLabel("with", { exact: true }).selectOption("3");
    await page.getByRole("button", { name: "Compare" }).click();
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("iris: v2 vs v3");
    expect(await page.getByRole("table", { name: "Confusion matrix of v2" }).count()).toBe(1);
    expect(await page.getByRole("table", { name: "Confusion matrix of v3" }).count()).toBe(1);
    const parity = await page.getByRole("row", { name: /^parity/ }).textContent();
    expect(parity?.match(/passed/g)).toHaveLength(2);
    await shot(page, "compare");
  });

  it("promotes through the UI with the gate shown, and the served version changes", async () => {
    await page.goto(`${base}/models/iris/versions/3`);
    await page.getByRole("link", { name: "Promote v3 to production…" }).click();
    const verdict = await page.getByRole("status").first().textContent();
    expect(verdict).toContain("Gate passed.");
    expect(await page.getByRole("row", { name: /^accuracy/ }).count()).toBe(1);
    await shot(page, "promote");
    await page.getByLabel("Reason").fill("better on held-out rows");
    await page.getByRole("button", { name: "Confirm: promote v3 to production" }).click();
    expect(await page.getByRole("status").textContent()).toBe("iris@3 is now production (was @2)");
    await expect.poll(servedVersion, { timeout: 10_000 }).toBe("3");
    await page.goto(`${base}/audit?model=iris`);
    const newest = await page.getByRole("row").nth(1).getByRole("cell").allInnerTexts();
    expect(newest.slice(1)).toEqual([
      "iris",
      "production → v3 (was v2)",
      expect.stringMatching(/^console:.+/),
      "console: better on held-out rows",
    ]);
    await shot(page, "audit");
    for (let i = 0; i < 20; i++) await servedVersion();
    await page.goto(`${base}/serving`);
    expect(await page.getByRole("row", { name: /^v3 production/ }).count()).toBe(1);
    await shot(page, "serving");
  });

  it("rolls back through the UI: the served version returns to the previous one", async () => {
    await page.goto(`${base}/models/iris`);
    await page.getByRole("button", { name: "Roll back production (now v3)" }).click();
    expect(await page.getByRole("status").textContent()).toBe("iris: production rolled back from v3 to v2");
    await expect.poll(servedVersion, { timeout: 10_000 }).toBe("2");
    await page.goto(`${base}/audit?model=iris`);
    expect(await page.getByRole("row").nth(1).getByRole("cell").allInnerTexts()).toEqual([
      expect.any(String),
      "iris",
      "production → v2 (was v3)",
      expect.stringMatching(/^console:.+/),
      "rollback from @3",
    ]);
  });

  it("every page passes axe-core's WCAG 2.1 A/AA checks, and the first Tab reaches the skip link", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    try {
      const p = await context.newPage();
      await p.goto(platform.state.consoleUrl);
      for (const path of [
        "/",
        "/models/iris",
        "/models/iris/versions/3",
        "/models/iris/compare?a=2&b=3",
        "/datasets",
        "/datasets/flowers",
        "/serving",
        "/audit",
        "/models/iris/versions/3/promote",
      ])
        expect([path, await accessibilityViolations(p, path)]).toEqual([path, []]);
      // The check itself sees a form control that lost its label.
      expect((await accessibilityViolations(p, "/models/iris", true)).map((v) => v.id)).toContain("select-name");
    } finally {
      await context.close();
    }
    await page.goto(`${base}/`);
    await page.keyboard.press("Tab");
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement
            .textContent,
      ),
    ).toBe("Skip to content");
  });

  it("a read-only session sees no action buttons and cannot act", async () => {
    const viewer = await browser.newContext();
    try {
      const p = await viewer.newPage();
      await p.goto(`${base}/models/iris`);
      expect(await p.getByText("Read-only").count()).toBe(1);
      expect(await p.getByRole("button", { name: /Roll back/ }).count()).toBe(0);
      await p.goto(`${base}/models/iris/versions/2`);
      expect(await p.getByRole("link", { name: /Promote/ }).count()).toBe(0);
      const preview = await p.request.get(`${base}/models/iris/versions/2/promote`);
      expect(preview.status()).toBe(403);
      const rollback = await p.request.post(`${base}/models/iris/rollback`, { form: { _csrf: "x" } });
      expect([rollback.status(), await rollback.text()]).toEqual([
        403,
        "read-only: your session may view the console but not act",
      ]);
      // An operator's action without the page's CSRF token is refused too.
      const forged = await page.request.post(`${base}/models/iris/rollback`, { form: {} });
      expect(forged.status()).toBe(403);
      expect(await servedVersion()).toBe("2");
    } finally {
      await viewer.close();
    }
  });
});
