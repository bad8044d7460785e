/**
 * The dashboard's six panels as HTML. Each number carries `data-stat`, the
 * path of the same number in its stats endpoint's JSON (`requests.routes.0.p95Ms`),
 * and `data-format`, so a test can check every number against the API.
 * Charts are drawn by the browser (client.ts) from the data in `chartData`.
 */
import type {
  AdoptionStats,
  AuthStats,
  BreakdownsStats,
  ErrorsStats,
  InstallationsStats,
  RequestsStats,
  Share,
} from "../stats/stats-types.js";
import { formatCount, formatMs, formatShare, formatValue } from "./format.js";
import { type Html, html } from "./html.js";

type Format = "count" | "share" | "ms";
const FORMATTERS: Record<Format, (n: number | null) => string> = {
  count: formatCount,
  share: formatShare,
  ms: formatMs,
};

/** One number, tagged with where the API has it. */
export const stat = (path: string, value: number | null, format: Format = "count"): Html =>
  html`<span data-stat="${path}" data-format="${format}">${FORMATTERS[format](value)}</span>`;

const tile = (label: string, value: Html, note?: string) =>
  html`<div class="tile"><div class="tile-value">${value}</div><div class="tile-label">${label}</div>${
    note ? html`<div class="tile-note">${note}</div>` : ""
  }</div>`;

const empty = (text: string) => html`<p class="empty">${text}</p>`;

/** A ranked list of values with their installations and a share bar. */
function shareTable(title: string, path: string, rows: readonly Share[], max = 12): Html {
  return html`<div class="share-table"><h3>${title}</h3>${
    rows.length === 0
      ? empty("Nothing reported.")
      : html`<table><tbody>${rows.slice(0, max).map(
          (row, i) => html`<tr>
            <th scope="row">${formatValue(row.value)}</th>
            <td class="num">${stat(`${path}.${i}.installations`, row.installations)}</td>
            <td class="bar-cell"><span class="bar" style="width:${Math.min(100, row.share * 100).toFixed(1)}%"></span>
              ${stat(`${path}.${i}.share`, row.share, "share")}</td>
          </tr>`,
        )}</tbody></table>`
  }</div>`;
}

const canvas = (name: string, label: string) =>
  html`<div class="chart"><canvas data-chart="${name}" role="img" aria-label="${label}"></canvas></div>`;

export function installationsPanel(s: InstallationsStats): Html {
  return html`<section class="panel wide" id="installations"><h2>Installations</h2>
    <div class="tiles">
      ${tile("active installations", stat("installations.active", s.active), "sent any event in the range")}
      ${tile("new installations", stat("installations.new", s.new), "first event ever in the range")}
      ${tile("days", stat("installations.range.days", s.range.days))}
    </div>
    ${canvas("installations", "Daily active and new installations")}
    ${
      s.weekly.length
        ? html`<table class="compact"><thead><tr><th>week of</th>${s.weekly.map((w) => html`<th>${w.week}${w.partial ? "*" : ""}</th>`)}</tr></thead>
          <tbody><tr><th scope="row">weekly active</th>${s.weekly.map(
            (w, i) => html`<td class="num">${stat(`installations.weekly.${i}.active`, w.active)}</td>`,
          )}</tr></tbody></table>
          <p class="note">* a week the range cuts: only its days in the range count.</p>`
        : ""
    }
  </section>`;
}

export function breakdownsPanel(s: BreakdownsStats): Html {
  const d = s.dimensions;
  const p = "breakdowns.dimensions";
  return html`<section class="panel wide" id="breakdowns"><h2>Who runs Better Auth</h2>
    <p class="note">Share of the ${stat("breakdowns.active", s.active)} active installations. Runtime, framework and
    environment: every value an installation reported in the range. Better Auth version and database: its latest
    configuration (${stat("breakdowns.configured", s.configured)} known).</p>
    <div class="grid">
      ${shareTable("Runtime", `${p}.runtime`, d.runtime)}
      ${shareTable("Runtime version", `${p}.runtimeVersion`, d.runtimeVersion)}
      ${shareTable("Framework", `${p}.framework`, d.framework)}
      ${shareTable("Environment", `${p}.environment`, d.environment)}
      ${shareTable("Better Auth version", `${p}.betterAuthVersion`, d.betterAuthVersion)}
      ${shareTable("Database", `${p}.databaseKind`, d.databaseKind)}
      ${shareTable("Database adapter", `${p}.databaseAdapter`, d.databaseAdapter)}
    </div></section>`;
}

export function adoptionPanel(s: AdoptionStats): Html {
  return html`<section class="panel wide" id="adoption"><h2>Plugins, providers and features</h2>
    <p class="note">Share of active installations whose latest configuration uses each.</p>
    <div class="grid">
      ${shareTable("Plugins", "adoption.plugins", s.plugins, 20)}
      ${shareTable("Social providers", "adoption.socialProviders", s.socialProviders, 20)}
      ${shareTable("Features", "adoption.features", s.features, 20)}
    </div></section>`;
}

export function errorsPanel(s: ErrorsStats): Html {
  const rows = (kind: "codes" | "types", list: ErrorsStats["codes"] | ErrorsStats["types"]) =>
    list.map(
      (e, i) => html`<tr>
        <th scope="row"><code>${formatValue("code" in e ? e.code : e.type)}</code></th>
        <td class="num">${stat(`errors.${kind}.${i}.occurrences`, e.occurrences)}</td>
        <td class="num">${stat(`errors.${kind}.${i}.installations`, e.installations)}</td>
        <td class="num">${stat(`errors.${kind}.${i}.share`, e.share, "share")}</td>
      </tr>`,
    );
  const head = (label: string) =>
    html`<thead><tr><th>${label}</th><th>occurrences</th><th>installations</th><th>of active</th></tr></thead>`;
  return html`<section class="panel wide" id="errors"><h2>Errors</h2>
    ${
      !s.total || s.total.occurrences === 0
        ? empty("No errors reported in this range.")
        : html`<div class="tiles">
          ${tile("errors", stat("errors.total.occurrences", s.total.occurrences))}
          ${tile("installations with errors", stat("errors.total.installations", s.total.installations))}
          ${tile("of active installations", stat("errors.total.share", s.total.share, "share"))}
        </div>
        ${canvas("errors", "Daily errors of the most frequent codes")}
        <div class="grid two">
          <table>${head("code")}<tbody>${rows("codes", s.codes)}</tbody></table>
          <table>${head("type")}<tbody>${rows("types", s.types)}</tbody></table>
        </div>`
    }</section>`;
}

export function requestsPanel(s: RequestsStats): Html {
  const classes = ["2xx", "3xx", "4xx", "5xx"];
  return html`<section class="panel wide" id="requests"><h2>API requests</h2>
    ${
      !s.total || s.total.requests === 0
        ? empty("No API requests reported in this range.")
        : html`<div class="tiles">
          ${tile("requests", stat("requests.total.requests", s.total.requests))}
          ${classes.map((c) => tile(c, stat(`requests.total.statusClasses.${c}`, s.total?.statusClasses[c] ?? 0)))}
        </div>
        ${canvas("requests", "Daily requests by status class")}
        <table class="routes"><thead><tr><th>route</th><th>method</th><th>requests</th><th>installations</th>
          <th>5xx</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th></tr></thead>
        <tbody>${s.routes.map(
          (r, i) => html`<tr>
            <th scope="row"><code>${r.route}</code></th><td>${r.method}</td>
            <td class="num">${stat(`requests.routes.${i}.requests`, r.requests)}</td>
            <td class="num">${stat(`requests.routes.${i}.installations`, r.installations)}</td>
            <td class="num">${stat(`requests.routes.${i}.serverErrorRate`, r.serverErrorRate, "share")}</td>
            <td class="num">${stat(`requests.routes.${i}.meanMs`, r.meanMs, "ms")}</td>
            <td class="num">${stat(`requests.routes.${i}.p50Ms`, r.p50Ms, "ms")}</td>
            <td class="num">${stat(`requests.routes.${i}.p95Ms`, r.p95Ms, "ms")}</td>
            <td class="num">${stat(`requests.routes.${i}.p99Ms`, r.p99Ms, "ms")}</td>
          </tr>`,
        )}</tbody></table>
        <p class="note">Percentiles from the clients' latency histograms, interpolated within buckets; 10,000 ms
          means "10 s or more" (the slowest bucket has no upper bound).</p>`
    }</section>`;
}

export function authPanel(s: AuthStats): Html {
  const total = s.total;
  return html`<section class="panel wide" id="auth"><h2>Authentication</h2>
    ${
      !total || total.successes + total.failures === 0
        ? empty("No sign-ins or sign-ups reported in this range.")
        : html`<div class="tiles">
          ${tile("successful", stat("auth.total.successes", total.successes))}
          ${tile("failed", stat("auth.total.failures", total.failures))}
          ${tile("success rate", stat("auth.total.successRate", total.successRate, "share"))}
        </div>
        ${canvas("auth", "Daily successful and failed authentications")}
        <div class="grid two">
          <table><thead><tr><th>method</th><th>provider</th><th>successes</th><th>failures</th><th>success rate</th><th>installations</th></tr></thead>
          <tbody>${s.groups.map(
            (g, i) => html`<tr><th scope="row">${g.method}</th><td>${g.provider ?? ""}</td>
              <td class="num">${stat(`auth.groups.${i}.successes`, g.successes)}</td>
              <td class="num">${stat(`auth.groups.${i}.failures`, g.failures)}</td>
              <td class="num">${stat(`auth.groups.${i}.successRate`, g.successRate, "share")}</td>
              <td class="num">${stat(`auth.groups.${i}.installations`, g.installations)}</td></tr>`,
          )}</tbody></table>
          <table><thead><tr><th>failure reason</th><th>failures</th><th>installations</th></tr></thead>
          <tbody>${s.reasons.map(
            (r, i) => html`<tr><th scope="row"><code>${formatValue(r.reason)}</code></th>
              <td class="num">${stat(`auth.reasons.${i}.occurrences`, r.occurrences)}</td>
              <td class="num">${stat(`auth.reasons.${i}.installations`, r.installations)}</td></tr>`,
          )}</tbody></table>
        </div>`
    }</section>`;
}

/** What the browser draws: one entry per canvas. */
export function chartData(s: {
  installations: InstallationsStats;
  errors: ErrorsStats;
  requests: RequestsStats;
  auth: AuthStats;
}) {
  return {
    installations: {
      labels: s.installations.daily.map((d) => d.date),
      series: [
        { label: "daily active", data: s.installations.daily.map((d) => d.active) },
        { label: "new", data: s.installations.daily.map((d) => d.new) },
      ],
    },
    errors: {
      labels: s.errors.series.days,
      stacked: true,
      series: s.errors.series.codes.map((c) => ({ label: formatValue(c.code), data: c.occurrences })),
    },
    requests: {
      labels: s.requests.series.days,
      stacked: true,
      series: Object.entries(s.requests.series.statusClasses).map(([label, data]) => ({ label, data })),
    },
    auth: {
      labels: s.auth.series.days,
      series: [
        { label: "successful", data: s.auth.series.successes },
        { label: "failed", data: s.auth.series.failures },
      ],
    },
  };
}
