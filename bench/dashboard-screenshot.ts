/**
 * Renders docs/dashboard.png: a collector on a synthetic store (the
 * benchmark's generator, smaller), the dashboard opened in Debian's Chromium
 * (/usr/bin/chromium) and captured whole. A script, not a test.
 *
 * Run: node --import tsx --conditions=source bench/dashboard-screenshot.ts [--out docs/dashboard.png]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { startCollector } from "../packages/collector/src/server.js";
import { DuckDBEventStore } from "../packages/collector/src/store/duckdb/duckdb-store.js";
import { launchChromium } from "../packages/collector/test/support/chromium.js";
import { writeSyntheticEvents } from "./lib/synthetic-events.js";

const { values } = parseArgs({ options: { out: { type: "string", default: "docs/dashboard.png" } } });
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const DAYS = 60;

const dir = mkdtempSync(join(tmpdir(), "dashboard-screenshot-"));
const path = join(dir, "events.duckdb");
try {
  await (await DuckDBEventStore.open({ path })).close();
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await writeSyntheticEvents(connection, {
    events: 400_000,
    installations: 4_000,
    days: DAYS,
    routes: 200,
    startMs: START,
  });
  connection.closeSync();
  instance.closeSync();

  const collector = await startCollector({ dbPath: path, port: 0, logLevel: "warn" });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const from = new Date(START + (DAYS - 30) * DAY).toISOString().slice(0, 10);
    const to = new Date(START + DAYS * DAY).toISOString().slice(0, 10);
    await page.goto(`${collector.url}/?from=${from}&to=${to}`);
    await page.waitForSelector("html[data-charts=drawn]");
    await page.screenshot({ path: values.out, fullPage: true });
    console.log(`wrote ${values.out}`);
  } finally {
    await browser.close();
    await collector.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
