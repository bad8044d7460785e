/**
 * @module The stats API's answers, store-independent: asks the store for raw
 * aggregates (src/store/dashboard-types.ts), then derives what every store
 * would derive the same way: shares, percentiles, rates, every day of the
 * range, top-N, and public mode's suppression. The JSON endpoints and the
 * dashboard page both call this, so they show the same numbers.
 */
import type { DashboardFilter, DashboardQuery, DashboardStore, InstallationGroup } from "../store/dashboard-types.js";
import { histogramQuantile } from "./histogram.js";
import { DAY_MS, type DayRange, daysOf, isoDate, resolveRange } from "./range.js";
import type {
  AdoptionStats,
  AuthStats,
  BreakdownsStats,
  ErrorsStats,
  InstallationsStats,
  RequestsStats,
  Share,
  StatsEnvelope,
} from "./stats-types.js";
import { populationTooSmall, suppressSmallGroups, type Threshold } from "./suppress.js";

export interface StatsRequest {
  /** Unix ms; rounded down to 00:00 UTC. */
  from?: number;
  /** Unix ms, exclusive; rounded up to 00:00 UTC. */
  to?: number;
  filter: DashboardFilter;
  /** Most rows per list (routes, codes, groups). @default DEFAULT_LIMIT */
  limit?: number;
}

export interface StatsServiceOptions {
  store: DashboardStore;
  /** Public mode's k; null shows every group. */
  k: Threshold;
  /** @default Date.now */
  now?: () => number;
}

export const DEFAULT_LIMIT = 20;
/** Error codes with a daily series. */
const SERIES_CODES = 8;
const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx"];

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

export class StatsService {
  readonly #store: DashboardStore;
  readonly #k: Threshold;
  readonly #now: () => number;

  constructor(options: StatsServiceOptions) {
    this.#store = options.store;
    this.#k = options.k;
    this.#now = options.now ?? Date.now;
  }

  get k(): Threshold {
    return this.#k;
  }

  /** The range a request resolves to (throws DayRangeError). */
  range(request: Pick<StatsRequest, "from" | "to">): DayRange {
    return resolveRange({ from: request.from, to: request.to, now: this.#now() });
  }

  async installations(request: StatsRequest): Promise<InstallationsStats> {
    const query = this.#query(request);
    const raw = await this.#store.dashboardInstallations(query);
    const answer = new Answer({ k: this.#k, active: raw.active, query });
    if (answer.withheld) return { ...answer.envelope(), new: null, daily: [], weekly: [] };
    const byDay = new Map(raw.days.map((d) => [d.day, d]));
    return {
      ...answer.envelope(),
      new: raw.new,
      daily: daysOf(query).map((day) => ({
        date: isoDate(day),
        active: byDay.get(day)?.active ?? 0,
        new: byDay.get(day)?.new ?? 0,
      })),
      weekly: raw.weeks.map((w) => ({
        week: isoDate(w.week),
        active: w.active,
        partial: w.week !== mondayOf(w.week) || w.week + 7 * DAY_MS > query.to,
      })),
    };
  }

  async breakdowns(request: StatsRequest): Promise<BreakdownsStats> {
    const query = this.#query(request);
    const raw = await this.#store.dashboardBreakdowns(query);
    const answer = new Answer({ k: this.#k, active: raw.active, query });
    const dimensions = {
      runtime: answer.shares(raw.runtime),
      runtimeVersion: answer.shares(raw.runtimeVersion),
      framework: answer.shares(raw.framework),
      environment: answer.shares(raw.environment),
      betterAuthVersion: answer.shares(raw.betterAuthVersion),
      databaseKind: answer.shares(raw.databaseKind),
      databaseAdapter: answer.shares(raw.databaseAdapter),
    };
    return { ...answer.envelope(), configured: answer.withheld ? null : raw.configured, dimensions };
  }

  async adoption(request: StatsRequest): Promise<AdoptionStats> {
    const query = this.#query(request);
    const raw = await this.#store.dashboardAdoption(query);
    const answer = new Answer({ k: this.#k, active: raw.active, query });
    const plugins = answer.shares(raw.plugins);
    const socialProviders = answer.shares(raw.socialProviders);
    const features = answer.shares(raw.features);
    return {
      ...answer.envelope(),
      configured: answer.withheld ? null : raw.configured,
      plugins,
      socialProviders,
      features,
    };
  }

  async errors(request: StatsRequest): Promise<ErrorsStats> {
    const query = this.#query(request);
    const limit = request.limit ?? DEFAULT_LIMIT;
    const raw = await this.#store.dashboardErrors(query, { seriesCodes: SERIES_CODES * 2 });
    const answer = new Answer({ k: this.#k, active: raw.active, query });
    const share = (installations: number) => ratio(installations, raw.active);
    const codes = answer
      .shown(raw.codes)
      .slice(0, limit)
      .map((c) => ({ ...c, share: share(c.installations) }));
    const types = answer
      .shown(raw.types)
      .slice(0, limit)
      .map((t) => ({ ...t, share: share(t.installations) }));
    const days = daysOf(query);
    // the series covers the most frequent codes that public mode lets through
    const series = {
      days: days.map(isoDate),
      codes: codes.slice(0, SERIES_CODES).map(({ code }) => {
        const perDay = new Map(raw.daily.filter((d) => d.code === code).map((d) => [d.day, d.occurrences]));
        return { code, occurrences: days.map((day) => perDay.get(day) ?? 0) };
      }),
    };
    const total = answer.withheld ? null : { ...raw.total, share: share(raw.total.installations) };
    return { ...answer.envelope(), total, codes, types, series };
  }

  async requests(request: StatsRequest): Promise<RequestsStats> {
    const query = this.#query(request);
    const limit = request.limit ?? DEFAULT_LIMIT;
    const raw = await this.#store.dashboardRequests(query);
    const answer = new Answer({ k: this.#k, active: raw.active, query });
    const days = daysOf(query);
    if (answer.withheld) {
      return { ...answer.envelope(), total: null, routes: [], series: { days: days.map(isoDate), statusClasses: {} } };
    }
    const dayIndex = new Map(days.map((d, i) => [d, i]));
    const statusClasses: Record<string, number[]> = Object.fromEntries(
      STATUS_CLASSES.map((c) => [c, days.map(() => 0)]),
    );
    for (const d of raw.daily) {
      const i = dayIndex.get(d.day);
      if (i === undefined) continue;
      statusClasses[d.statusClass] ??= days.map(() => 0);
      statusClasses[d.statusClass]![i] = d.requests;
    }
    const totalClasses: Record<string, number> = Object.fromEntries(STATUS_CLASSES.map((c) => [c, 0]));
    let requests = 0;
    for (const route of raw.routes) {
      requests += route.requests;
      for (const [c, n] of Object.entries(route.statusClasses)) totalClasses[c] = (totalClasses[c] ?? 0) + n;
    }
    const routes = answer
      .shown(raw.routes)
      .slice(0, limit)
      .map((r) => ({
        route: r.route,
        method: r.method,
        requests: r.requests,
        installations: r.installations,
        statusClasses: r.statusClasses,
        serverErrorRate: ratio(r.statusClasses["5xx"] ?? 0, r.requests),
        meanMs: r.requests > 0 ? r.durationSumMs / r.requests : null,
        p50Ms: histogramQuantile(0.5, r.buckets),
        p95Ms: histogramQuantile(0.95, r.buckets),
        p99Ms: histogramQuantile(0.99, r.buckets),
      }));
    return {
      ...answer.envelope(),
      total: { requests, statusClasses: totalClasses },
      routes,
      series: { days: days.map(isoDate), statusClasses },
    };
  }

  async auth(request: StatsRequest): Promise<AuthStats> {
    const query = this.#query(request);
    const limit = request.limit ?? DEFAULT_LIMIT;
    const raw = await this.#store.dashboardAuth(query);
    const answer = new Answer({ k: this.#k, active: raw.active, query });
    const days = daysOf(query);
    if (answer.withheld) {
      return {
        ...answer.envelope(),
        total: null,
        groups: [],
        reasons: [],
        series: { days: days.map(isoDate), successes: [], failures: [] },
      };
    }
    const perDay = new Map(raw.daily.map((d) => [d.day, d]));
    const rate = (s: number, f: number) => (s + f > 0 ? s / (s + f) : null);
    const successes = raw.kinds.reduce((n, k) => n + k.successes, 0);
    const failures = raw.kinds.reduce((n, k) => n + k.failures, 0);
    const groups = answer
      .shown(raw.groups)
      .slice(0, limit)
      .map((g) => ({ ...g, successRate: rate(g.successes, g.failures) }));
    const reasons = answer.shown(raw.reasons).slice(0, limit);
    return {
      ...answer.envelope(),
      total: { successes, failures, successRate: rate(successes, failures), kinds: raw.kinds },
      groups,
      reasons,
      series: {
        days: days.map(isoDate),
        successes: days.map((d) => perDay.get(d)?.successes ?? 0),
        failures: days.map((d) => perDay.get(d)?.failures ?? 0),
      },
    };
  }

  #query(request: StatsRequest): DashboardQuery {
    const range = this.range(request);
    return { from: range.from, to: range.to, filter: request.filter };
  }
}

/**
 * One answer being built: applies public mode to each list as it is made,
 * counts what it withheld, and writes the envelope last.
 */
class Answer {
  readonly withheld: boolean;
  readonly #k: Threshold;
  readonly #active: number;
  readonly #query: DashboardQuery;
  #suppressed = 0;

  constructor(options: { k: Threshold; active: number; query: DashboardQuery }) {
    this.#k = options.k;
    this.#active = options.active;
    this.#query = options.query;
    this.withheld = populationTooSmall(options.active, options.k);
  }

  shown<T extends { installations: number }>(groups: readonly T[]): T[] {
    if (this.withheld) return [];
    const result = suppressSmallGroups(groups, this.#k);
    this.#suppressed += result.suppressed;
    return result.shown;
  }

  /** Groups by installations, largest first, with their share of the active installations. */
  shares(groups: readonly InstallationGroup[]): Share[] {
    return this.shown([...groups].sort(byInstallations)).map((g) => ({
      ...g,
      share: ratio(g.installations, this.#active),
    }));
  }

  envelope(): StatsEnvelope {
    const { from, to, filter } = this.#query;
    return {
      range: {
        from,
        to,
        firstDay: isoDate(from),
        lastDay: isoDate(to - DAY_MS),
        days: Math.round((to - from) / DAY_MS),
      },
      filter,
      k: this.#k,
      withheld: this.withheld,
      suppressed: this.#suppressed,
      active: this.withheld ? null : this.#active,
    };
  }
}

const byInstallations = (x: InstallationGroup, y: InstallationGroup) =>
  y.installations - x.installations || String(x.value).localeCompare(String(y.value));

function mondayOf(day: number): number {
  return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
}
