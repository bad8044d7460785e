/**
 * The stats API's responses (GET /v1/stats/…), which the dashboard renders
 * as they are. docs/dashboard.md describes every field; src/http/stats-schemas.ts
 * declares them for Fastify's serializer.
 */
import type { DashboardFilter } from "../store/dashboard-types.js";

/** What every response starts with: the question as understood, and what public mode withheld. */
export interface StatsEnvelope {
  range: {
    /** 00:00 UTC of the first day, Unix ms. */
    from: number;
    /** 00:00 UTC of the day after the last, Unix ms. */
    to: number;
    /** First day, `YYYY-MM-DD`. */
    firstDay: string;
    /** Last day included, `YYYY-MM-DD`. */
    lastDay: string;
    days: number;
  };
  filter: DashboardFilter;
  /** Public mode's k, or null on a private collector. */
  k: number | null;
  /** True when the filtered population is below k: no group is shown. */
  withheld: boolean;
  /** Groups withheld because fewer than k installations are in them. */
  suppressed: number;
  /** Active installations in the range that match the filter; null when withheld. */
  active: number | null;
}

/** A value's installations, and their share of the active installations. */
export interface Share {
  /** null: the installations did not report this dimension. */
  value: string | null;
  installations: number;
  share: number;
}

export interface InstallationsStats extends StatsEnvelope {
  new: number | null;
  /** Every day of the range. */
  daily: { date: string; active: number; new: number }[];
  /** ISO weeks (from Monday), cut to the range; `partial` when the range cuts the week. */
  weekly: { week: string; active: number; partial: boolean }[];
}

export interface BreakdownsStats extends StatsEnvelope {
  configured: number | null;
  dimensions: Record<
    | "runtime"
    | "runtimeVersion"
    | "framework"
    | "environment"
    | "betterAuthVersion"
    | "databaseKind"
    | "databaseAdapter",
    Share[]
  >;
}

export interface AdoptionStats extends StatsEnvelope {
  configured: number | null;
  plugins: Share[];
  socialProviders: Share[];
  features: Share[];
}

export interface ErrorsStats extends StatsEnvelope {
  total: { occurrences: number; installations: number; share: number } | null;
  codes: { code: string | null; occurrences: number; installations: number; share: number }[];
  types: { type: string | null; occurrences: number; installations: number; share: number }[];
  /** Occurrences per day of the most frequent codes shown. */
  series: { days: string[]; codes: { code: string | null; occurrences: number[] }[] };
}

export interface RouteStats {
  route: string;
  method: string;
  requests: number;
  installations: number;
  statusClasses: Record<string, number>;
  /** Share of requests answered 5xx. */
  serverErrorRate: number;
  meanMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface RequestsStats extends StatsEnvelope {
  total: { requests: number; statusClasses: Record<string, number> } | null;
  routes: RouteStats[];
  series: { days: string[]; statusClasses: Record<string, number[]> };
}

export interface AuthStats extends StatsEnvelope {
  total: {
    successes: number;
    failures: number;
    successRate: number | null;
    kinds: { kind: string | null; successes: number; failures: number }[];
  } | null;
  groups: {
    method: string;
    provider: string | null;
    successes: number;
    failures: number;
    successRate: number | null;
    installations: number;
  }[];
  reasons: { reason: string | null; occurrences: number; installations: number }[];
  series: { days: string[]; successes: number[]; failures: number[] };
}
