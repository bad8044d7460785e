/**
 * What both dashboard benchmarks share: the 10M-event fixture's size options,
 * its calendar, the six panels, and the views a maintainer opens (the default
 * range, longer and shorter ones, and two filters).
 */
import type { DashboardFilter } from "../../packages/collector/src/store/dashboard-types.js";

/** parseArgs options for the fixture of bench/lib/synthetic-events.ts. */
export const FIXTURE_OPTIONS = {
  events: { type: "string", default: "10000000" },
  installations: { type: "string", default: "50000" },
  days: { type: "string", default: "90" },
  routes: { type: "string", default: "1000" },
} as const;

export const DAY = 86_400_000;
/** The fixture's first day. */
export const START = Date.UTC(2026, 0, 1);
export const PANELS = ["installations", "breakdowns", "adoption", "errors", "requests", "auth"] as const;

export interface View {
  name: string;
  from: number;
  to: number;
  filter: DashboardFilter;
}

/** The views, each ending with the fixture's last day (`days` long). */
export function views(days: number): View[] {
  const last = (n: number) => ({ from: START + (days - n) * DAY, to: START + days * DAY });
  return [
    { name: "last 30 days (the default view)", ...last(30), filter: {} },
    { name: "all 90 days", ...last(90), filter: {} },
    { name: "last 7 days", ...last(7), filter: {} },
    { name: "last 30 days, runtime=node", ...last(30), filter: { runtime: "node" } },
    {
      name: "last 30 days, data=region:eu-west-1",
      ...last(30),
      filter: { data: [{ key: "region", value: "eu-west-1" }] },
    },
  ];
}

/** Milliseconds as the tables print them: one decimal under 10. */
export const ms = (n: number) => (n < 10 ? n.toFixed(1) : Math.round(n).toString());
