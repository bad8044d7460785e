/**
 * The page's static files: Chart.js from the installed npm package (no CDN:
 * the dashboard works offline), the browser code and the stylesheet. Read
 * once, served from memory with a content hash as ETag.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { dashboardClient } from "./client.js";
import { STYLES } from "./styles.js";

export const ASSET_PATHS = {
  chart: "/dashboard/chart.umd.min.js",
  client: "/dashboard/dashboard.js",
  css: "/dashboard/dashboard.css",
} as const;

export interface Asset {
  body: string;
  type: string;
  etag: string;
}

/** chart.js's package exports do not list its UMD build, so it is found next to the main entry. */
function chartJsSource(): string {
  const main = createRequire(import.meta.url).resolve("chart.js");
  return readFileSync(join(dirname(main), "chart.umd.min.js"), "utf8");
}

const asset = (body: string, type: string): Asset => ({
  body,
  type,
  etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"`,
});

export function loadAssets(): Record<keyof typeof ASSET_PATHS, Asset> {
  return {
    chart: asset(chartJsSource(), "text/javascript; charset=utf-8"),
    client: asset(`"use strict";\n(${dashboardClient.toString()})();\n`, "text/javascript; charset=utf-8"),
    css: asset(STYLES, "text/css; charset=utf-8"),
  };
}
