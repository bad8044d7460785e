/**
 * The dashboard page: the filter form, what to do when there is nothing to
 * show, and the six panels. Rendered on the server from the same StatsService
 * answers the JSON endpoints give; the browser only draws the charts.
 */
import { ENVIRONMENTS, FRAMEWORKS, RUNTIMES } from "@better-auth-telemetry/protocol";
import { DAY_MS, isoDate } from "../stats/range.js";
import type {
  AdoptionStats,
  AuthStats,
  BreakdownsStats,
  ErrorsStats,
  InstallationsStats,
  RequestsStats,
} from "../stats/stats-types.js";
import { ASSET_PATHS } from "./assets.js";
import { type Html, html, jsonScript } from "./html.js";
import {
  adoptionPanel,
  authPanel,
  breakdownsPanel,
  chartData,
  errorsPanel,
  installationsPanel,
  requestsPanel,
} from "./render-panels.js";

export interface PageStats {
  installations: InstallationsStats;
  breakdowns: BreakdownsStats;
  adoption: AdoptionStats;
  errors: ErrorsStats;
  requests: RequestsStats;
  auth: AuthStats;
}

export interface PageOptions {
  stats: PageStats;
  /** The query string the page was asked with (no leading `?`), reused for the JSON links. */
  search: string;
  /** This collector as the browser reaches it, e.g. http://127.0.0.1:8787 */
  origin: string;
  /** Midnight UTC after today, for the preset ranges. */
  tonight: number;
}

const PRESETS = [7, 30, 90];

function select(name: string, label: string, values: readonly string[], current: string | undefined): Html {
  return html`<label>${label}<select name="${name}"><option value="">any</option>${values.map(
    (v) => html`<option value="${v}"${v === current ? html` selected` : ""}>${v}</option>`,
  )}</select></label>`;
}

function filterForm(options: PageOptions): Html {
  const { range, filter } = options.stats.installations;
  const data = filter.data ?? [];
  return html`<form class="filters" method="get" action="/">
    <fieldset class="range"><legend>Time range (UTC days)</legend>
      <label>from<input type="date" name="from" value="${range.firstDay}"></label>
      <label>to (exclusive)<input type="date" name="to" value="${isoDate(range.to)}"></label>
      <span class="presets">${PRESETS.map(
        (days) => html`<a href="${presetHref(options, days)}" data-preset="${days}">last ${days} days</a>`,
      )}</span>
    </fieldset>
    <fieldset><legend>Filters</legend>
      ${select("runtime", "runtime", RUNTIMES, filter.runtime)}
      ${select("framework", "framework", FRAMEWORKS, filter.framework)}
      ${select("environment", "environment", ENVIRONMENTS, filter.environment)}
      ${[...data, { key: "", value: "" }].map(
        (d) =>
          html`<label>additionalData<input type="text" name="data" placeholder="region:eu-west-1" value="${
            d.key ? `${d.key}:${d.value}` : ""
          }" pattern="[A-Za-z][A-Za-z0-9_\\-]{0,31}:.{0,64}"></label>`,
      )}
    </fieldset>
    <div class="actions"><button type="submit">Apply</button><a href="/">Reset</a></div>
  </form>`;
}

/** The last `days` days up to today, with the current filters kept. */
function presetHref(options: PageOptions, days: number): string {
  const { filter } = options.stats.installations;
  const params = new URLSearchParams({ from: isoDate(options.tonight - days * DAY_MS) });
  for (const name of ["runtime", "framework", "environment"] as const) {
    const value = filter[name];
    if (value) params.set(name, value);
  }
  for (const d of filter.data ?? []) params.append("data", `${d.key}:${d.value}`);
  return `/?${params}`;
}

/** What to do when the range holds nothing: the collector's own URLs, ready to paste. */
function emptyState(options: PageOptions): Html {
  const { filter } = options.stats.installations;
  if (Object.keys(filter).length > 0) {
    return html`<section class="notice" id="empty"><h2>No installation matches these filters in this range</h2>
      <p>Widen the time range or <a href="/?from=${options.stats.installations.range.firstDay}">clear the filters</a>.</p></section>`;
  }
  return html`<section class="notice" id="empty"><h2>No events yet</h2>
    <p>Point an app's telemetry endpoint at <code>${options.origin}/v1/events</code>:
      set <code>BETTER_AUTH_TELEMETRY_ENDPOINT=${options.origin}/v1/events</code>, or pass
      <code>telemetry: { endpoint: "${options.origin}/v1/events" }</code>.
      Apps on Better Auth's built-in telemetry can send to <code>${options.origin}/v1/track</code>
      (with <code>BETTER_AUTH_TELEMETRY=1</code>).</p>
    <p>Already sending? Events appear here within seconds; check the time range above.</p></section>`;
}

export function renderPage(options: PageOptions): string {
  const { stats } = options;
  const { range, k, withheld } = stats.installations;
  const suppressed = Object.values(stats).reduce((n, s) => n + s.suppressed, 0);
  const json = (panel: string) => `/v1/stats/${panel}${options.search ? `?${options.search}` : ""}`;
  const body =
    stats.installations.active === 0
      ? emptyState(options)
      : withheld
        ? html`<section class="notice" id="withheld"><h2>Too few installations to show</h2>
            <p>Fewer than ${k} installations match this selection, and this dashboard is public: it shows no group
            smaller than ${k}. Widen the range or the filters.</p></section>`
        : html`${installationsPanel(stats.installations)}${breakdownsPanel(stats.breakdowns)}${adoptionPanel(
            stats.adoption,
          )}${errorsPanel(stats.errors)}${requestsPanel(stats.requests)}${authPanel(stats.auth)}`;
  return html`<!doctype html>
<html lang="en"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Better Auth Telemetry</title>
<link rel="stylesheet" href="${ASSET_PATHS.css}">
<link rel="icon" href="data:,">
</head><body>
<header><h1>Better Auth Telemetry</h1>
  <p class="range-label" data-range="${range.firstDay}/${range.lastDay}">${range.firstDay} – ${range.lastDay}
    (${range.days} ${range.days === 1 ? "day" : "days"}, UTC)</p>
  ${
    k !== null
      ? html`<p class="badge" title="groups of fewer than ${k} installations are not shown">public view · k = ${k}${
          suppressed ? html` · ${suppressed} small ${suppressed === 1 ? "group" : "groups"} hidden` : ""
        }</p>`
      : ""
  }
</header>
${filterForm(options)}
<main>${body}</main>
<footer>JSON: ${["installations", "breakdowns", "adoption", "errors", "requests", "auth"].map(
    (panel) => html`<a href="${json(panel)}">${panel}</a> `,
  )}· docs/dashboard.md</footer>
<script type="application/json" id="chart-data">${jsonScript(chartData(stats))}</script>
<script src="${ASSET_PATHS.chart}"></script>
<script src="${ASSET_PATHS.client}"></script>
</body></html>`.text;
}
