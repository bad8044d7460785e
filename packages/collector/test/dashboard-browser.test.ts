/**
 * The dashboard in a real browser: Debian's Chromium driven by playwright-core
 * (`.ci/run` installs the package; there is no skipping: without
 * /usr/bin/chromium this test fails). The collector is seeded with the
 * fixture; every number on the page must be the stats API's number for the
 * same query, before and after using the filter form and the time range.
 * A screenshot is saved to a temp dir (or to $DASHBOARD_SCREENSHOT).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCount, formatMs, formatShare } from "../src/dashboard/format.js";
import { launchChromium } from "./support/chromium.js";
import { startTestCollector, type TestCollector } from "./support/collector.js";
import { date, seedFixture } from "./support/dashboard-fixture.js";
import { request } from "./support/http.js";

const FORMAT: Record<string, (n: number | null) => string> = { count: formatCount, share: formatShare, ms: formatMs };

let collector: TestCollector;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  collector = await startTestCollector();
  await seedFixture(collector.url);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // a CSP violation, a failed asset or a script error shows up here
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await collector?.dispose();
});

/** Every [data-stat] number on the page, compared with the stats API for the page's own query. */
async function expectNumbersEqualApi(): Promise<number> {
  const shown = await page.$$eval("[data-stat]", (els) =>
    els.map((el) => ({
      path: el.getAttribute("data-stat")!,
      format: el.getAttribute("data-format")!,
      text: el.textContent!.trim(),
    })),
  );
  const search = new URL(page.url()).search;
  const api: Record<string, unknown> = {};
  for (const panel of new Set(shown.map((s) => s.path.split(".")[0]!))) {
    const reply = await request(`${collector.url}/v1/stats/${panel}${search}`);
    expect(reply.status).toBe(200);
    api[panel] = reply.json;
  }
  for (const { path, format, text } of shown) {
    const value = path.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown>)?.[key], api);
    expect(value, `${path} is in the API's answer`).not.toBeUndefined();
    expect(text, path).toBe(FORMAT[format]!(value as number | null));
  }
  return shown.length;
}

const chartsDrawn = () =>
  page.$$eval("canvas[data-chart]", (elements) =>
    (elements as HTMLCanvasElement[]).map((c) => {
      const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart.getChart(c);
      return { name: c.getAttribute("data-chart"), drawn: chart !== undefined, width: c.width };
    }),
  );

describe("the dashboard in Chromium", () => {
  it("shows the API's numbers and draws every chart", async () => {
    await page.goto(`${collector.url}/?from=${date(0)}&to=${date(8)}`);
    await page.waitForSelector("html[data-charts=drawn]");
    expect(await page.textContent("h1")).toBe("Better Auth Telemetry");
    expect(await page.getAttribute(".range-label", "data-range")).toBe(`${date(0)}/${date(7)}`);
    // tiles, weekly table, seven breakdowns, adoption, errors, routes, auth: well over a hundred numbers
    expect(await expectNumbersEqualApi()).toBeGreaterThan(100);
    expect(await page.textContent('[data-stat="installations.active"]')).toBe("5");
    expect(await page.textContent('[data-stat="requests.routes.1.p50Ms"]')).toBe("16.3 ms");
    const charts = await chartsDrawn();
    expect(charts.map((c) => c.name)).toEqual(["installations", "errors", "requests", "auth"]);
    expect(charts.every((c) => c.drawn && c.width > 0)).toBe(true);

    const dir = process.env.DASHBOARD_SCREENSHOT ? undefined : mkdtempSync(join(tmpdir(), "dashboard-shot-"));
    const file = process.env.DASHBOARD_SCREENSHOT ?? join(dir!, "dashboard.png");
    await page.screenshot({ path: file, fullPage: true });
    console.log(`dashboard screenshot: ${file}`);
  });

  it("filters with the form, and the numbers follow the API", async () => {
    await page.selectOption('select[name="runtime"]', "node");
    await page.fill('input[name="data"]', "region:eu-west-1");
    await Promise.all([page.waitForURL(/runtime=node/), page.click('button[type="submit"]')]);
    await page.waitForSelector("html[data-charts=drawn]");
    const url = new URL(page.url());
    expect(url.searchParams.get("runtime")).toBe("node");
    expect(url.searchParams.getAll("data")).toContain("region:eu-west-1");
    // A and E
    expect(await page.textContent('[data-stat="installations.active"]')).toBe("2");
    expect(await page.$eval('select[name="runtime"]', (s) => (s as HTMLSelectElement).value)).toBe("node");
    await expectNumbersEqualApi();
  });

  it("changes the time range, keeping the filters", async () => {
    await page.fill('input[name="from"]', date(1));
    await page.fill('input[name="to"]', date(3));
    await Promise.all([page.waitForURL(new RegExp(`from=${date(1)}`)), page.click('button[type="submit"]')]);
    await page.waitForSelector("html[data-charts=drawn]");
    expect(await page.getAttribute(".range-label", "data-range")).toBe(`${date(1)}/${date(2)}`);
    // d1: A; d2: E
    expect(await page.textContent('[data-stat="installations.active"]')).toBe("2");
    await expectNumbersEqualApi();
    expect(new URL(page.url()).searchParams.get("runtime")).toBe("node");
  });

  it("says what to do when the range holds nothing", async () => {
    await page.goto(`${collector.url}/?from=2025-01-01&to=2025-01-31`);
    expect(await page.textContent("#empty h2")).toBe("No events yet");
    expect(await page.textContent("#empty")).toContain(`${collector.url}/v1/events`);
    await page.goto(`${collector.url}/?from=${date(0)}&to=${date(8)}&framework=nuxt`);
    expect(await page.textContent("#empty h2")).toBe("No installation matches these filters in this range");
  });

  it("logged no error: no CSP violation, no failed asset, no script error", () => {
    expect(problems).toEqual([]);
  });
});
