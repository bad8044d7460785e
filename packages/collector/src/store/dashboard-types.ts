/**
 * What the dashboard asks a store, and what a store answers: plain objects, so
 * the DuckDB store and a later ClickHouse store answer the same questions with
 * the same numbers. The exact meaning of every number is documented here and
 * in docs/dashboard.md; an implementation must match it to the unit.
 *
 * Shared definitions:
 * - A *day* is a UTC calendar day of an event's `ts` (the client's clock).
 * - An installation is *active* in a set of days when it sent at least one
 *   event (any type) whose day is in the set.
 * - A *filter* selects events by their batch's context: runtime, framework,
 *   environment and additionalData values must all match. An installation
 *   counts for a filter when at least one of its matching events is in range.
 * - *installations* in a group is the number of distinct installation ids with
 *   at least one matching event of that group in range (never a sum of daily
 *   counts).
 * - Occurrence counts are sums of the events' `count` fields (one record can
 *   stand for many occurrences), never numbers of records.
 *
 * Stores return raw aggregates; percentiles, shares, top-N and public-mode
 * suppression are computed once, store-independently, in src/stats/.
 */

/** An additionalData condition: the batch's `additionalData[key]`, as text, equals `value`. */
export interface DataFilter {
  key: string;
  value: string;
}

export interface DashboardFilter {
  runtime?: string;
  framework?: string;
  environment?: string;
  /** All must match (AND). Numbers and booleans match their JSON text: `42`, `true`. */
  data?: readonly DataFilter[];
}

export interface DashboardQuery {
  /** First day of the range: Unix milliseconds at 00:00 UTC, inclusive. */
  from: number;
  /** Day after the range: Unix milliseconds at 00:00 UTC, exclusive. */
  to: number;
  filter: DashboardFilter;
}

/** A value and the number of distinct installations it applies to. */
export interface InstallationGroup {
  /** null when the installations did not report the dimension. */
  value: string | null;
  installations: number;
}

export interface InstallationsAggregate {
  /** Active installations in the whole range. */
  active: number;
  /** Installations whose first event ever (any filter) falls in the range, and that match the filter then. */
  new: number;
  /** One entry per day in the range that has activity; `day` is Unix ms at 00:00 UTC. */
  days: { day: number; active: number; new: number }[];
  /**
   * Distinct active installations per ISO week (Monday 00:00 UTC), counting
   * only the week's days inside the range; `week` is the Monday, or the range
   * start for a week cut by it.
   */
  weeks: { week: number; active: number }[];
}

export interface BreakdownsAggregate {
  active: number;
  /**
   * Context dimensions: each active installation counts once under every
   * value it reported in range (an installation that moved from Node 20 to 22
   * counts under both, so shares can sum past 100%).
   */
  runtime: InstallationGroup[];
  /** value: `<runtime> <version>`, e.g. `node 22.21.1`; null version: `<runtime>`. */
  runtimeVersion: InstallationGroup[];
  framework: InstallationGroup[];
  environment: InstallationGroup[];
  /**
   * Configuration dimensions, from each active installation's configuration:
   * its latest `init` at or before the end of the range (an init can predate
   * the range: a long-running server sends one at start). `configured`
   * installations have one; the others count under null.
   */
  configured: number;
  betterAuthVersion: InstallationGroup[];
  databaseKind: InstallationGroup[];
  databaseAdapter: InstallationGroup[];
}

/** Breakdowns with no group yet, for a store to fill in. */
export function emptyBreakdowns(active: number): BreakdownsAggregate {
  return {
    active,
    runtime: [],
    runtimeVersion: [],
    framework: [],
    environment: [],
    configured: 0,
    betterAuthVersion: [],
    databaseKind: [],
    databaseAdapter: [],
  };
}

export interface AdoptionAggregate {
  active: number;
  /** Active installations with a known configuration (see BreakdownsAggregate.configured). */
  configured: number;
  /** Installations whose configuration lists the plugin / provider / feature. */
  plugins: InstallationGroup[];
  socialProviders: InstallationGroup[];
  /** Boolean features that are on, by name; enum features as `name=value`. */
  features: InstallationGroup[];
}

export interface ErrorsAggregate {
  active: number;
  /** Error occurrences and installations with at least one error in range. */
  total: { occurrences: number; installations: number };
  /** Per error code (null: errors without a code). */
  codes: { code: string | null; occurrences: number; installations: number }[];
  /** Per error type (class name; null: errors without a type). */
  types: { type: string | null; occurrences: number; installations: number }[];
  /** Occurrences per day of the `seriesCodes` most frequent codes in range, days with none omitted. */
  daily: { day: number; code: string | null; occurrences: number }[];
}

export interface RequestsAggregate {
  active: number;
  /** Per route template and HTTP method. */
  routes: {
    route: string;
    method: string;
    requests: number;
    installations: number;
    /** Requests by status class: `2xx`, `3xx`, `4xx`, `5xx` (and `1xx`). */
    statusClasses: Record<string, number>;
    durationSumMs: number;
    /** Summed latency histogram, aligned with LATENCY_BUCKETS_MS plus one overflow bucket. */
    buckets: number[];
  }[];
  /** Requests per day and status class. */
  daily: { day: number; statusClass: string; requests: number }[];
}

export interface AuthAggregate {
  active: number;
  /** Per sign-in method and social provider (null for methods without one). */
  groups: { method: string; provider: string | null; successes: number; failures: number; installations: number }[];
  /** Failure reasons (null: failures without one). */
  reasons: { reason: string | null; occurrences: number; installations: number }[];
  /** Totals by kind: `sign-in`, `sign-up`, null when not reported. */
  kinds: { kind: string | null; successes: number; failures: number }[];
  daily: { day: number; successes: number; failures: number }[];
}

export interface DashboardQueryOptions {
  /** How many of the most frequent error codes get a daily series. @default 8 */
  seriesCodes?: number;
}

/** The dashboard's questions; every EventStore answers them. */
export interface DashboardStore {
  dashboardInstallations(query: DashboardQuery): Promise<InstallationsAggregate>;
  dashboardBreakdowns(query: DashboardQuery): Promise<BreakdownsAggregate>;
  dashboardAdoption(query: DashboardQuery): Promise<AdoptionAggregate>;
  dashboardErrors(query: DashboardQuery, options?: DashboardQueryOptions): Promise<ErrorsAggregate>;
  dashboardRequests(query: DashboardQuery): Promise<RequestsAggregate>;
  dashboardAuth(query: DashboardQuery): Promise<AuthAggregate>;
}
