/**
 * A random fleet for the store-parity suite: installations in one to three
 * contexts each send every event type over three weeks that cross a month
 * boundary (two ClickHouse partitions), in shuffled batches. Seeded, so a
 * failure replays. It reaches the corners where two SQL dialects part ways:
 * missing runtime versions and frameworks, additionalData numbers and
 * booleans, errors without a code, failures without a reason, short
 * histograms, fractional latencies, statuses of every class, and two inits
 * of one installation in the same millisecond (the configuration tie-break).
 */

import { uuidv7 } from "../../../src/ingest/ids.js";
import type { DashboardFilter, DashboardQuery, DashboardStore } from "../../../src/store/dashboard-types.js";
import type { IngestBatch, IngestContext } from "../../../src/store/event-store.js";
import { prng } from "../../support/prng.js";

export const DAY = 86_400_000;
/** A Monday; the fleet's three weeks run into February. */
export const D0 = Date.UTC(2026, 0, 19);

type Random = ReturnType<typeof prng>;
type Data = Record<string, string | number | boolean> | null;

interface Sender {
  installationId: string;
  context: IngestContext;
  data: Data;
}

interface Event {
  sender: Sender;
  type: string;
  ts: number;
  props: Record<string, unknown>;
}

const ROUTES = [
  ["/get-session", "GET"],
  ["/sign-in/email", "POST"],
  ["/callback/:id", "GET"],
  ["/sign-out", "POST"],
] as const;

function context(r: Random): { context: IngestContext; data: Data } {
  const runtime = r.pick(["node", "bun", "deno"]);
  const version = r.pick([undefined, "20.1.0", "22.2.0"]);
  const framework = r.pick([undefined, "next", "hono"]);
  return {
    context: {
      runtime,
      ...(version ? { runtimeVersion: version } : {}),
      ...(framework ? { framework } : {}),
      environment: r.pick(["production", "development", "ci"]),
    },
    data: r.pick<Data>([null, { region: "eu" }, { region: "us", replicas: 3 }, { region: "eu", beta: true }]),
  };
}

function apiRequest(r: Random): Record<string, unknown> {
  const [route, method] = r.pick(ROUTES);
  const count = 1 + r.int(9);
  // some clients send fewer buckets than the bounds: the missing ones count 0
  const buckets = Array.from({ length: r.next() < 0.2 ? 6 : 14 }, () => 0);
  buckets[r.int(buckets.length)] = count;
  return {
    route,
    method,
    status: r.pick([101, 200, 204, 302, 401, 404, 500, 503]),
    source: "handler",
    count,
    duration: { sumMs: count * 3 + r.int(4) / 4, maxMs: 9.5, buckets },
  };
}

function init(r: Random): Record<string, unknown> {
  return {
    betterAuthVersion: r.pick(["1.6.0", "1.7.0", "1.7.25"]),
    database: { kind: r.pick(["postgres", "sqlite"]), ...(r.next() < 0.8 ? { adapter: "kysely" } : {}) },
    plugins: ["admin", "organization", "two-factor", "passkey"].filter(() => r.next() < 0.5),
    socialProviders: ["github", "google"].filter(() => r.next() < 0.4),
    features: {
      emailAndPassword: r.next() < 0.7,
      cookieCache: r.next() < 0.5,
      ...(r.next() < 0.5 ? { cookieCacheStrategy: r.pick(["compact", "jwt", "jwe"]) } : {}),
      minPasswordLength: 8,
    },
  };
}

function event(r: Random, kind: number): { type: string; props: Record<string, unknown> } {
  const count = 1 + r.int(9);
  if (kind < 4) return { type: "api_request", props: apiRequest(r) };
  if (kind < 6) {
    const code = r.pick(["INVALID_TOKEN", "USER_NOT_FOUND", undefined]);
    return { type: "error", props: { type: r.pick(["APIError", "TypeError"]), ...(code ? { code } : {}), count } };
  }
  if (kind < 8) {
    const social = r.next() < 0.5;
    const success = r.next() < 0.6;
    const kindOf = r.pick(["sign-in", "sign-up", undefined]);
    const reason = success ? undefined : r.pick(["INVALID_TOKEN", "USER_NOT_FOUND", undefined]);
    return {
      type: success ? "auth_success" : "auth_failure",
      props: {
        method: social ? "social" : r.pick(["email", "passkey"]),
        ...(social ? { provider: r.pick(["github", "google"]) } : {}),
        ...(kindOf ? { kind: kindOf } : {}),
        ...(reason ? { reason } : {}),
        count,
      },
    };
  }
  return { type: "init", props: init(r) };
}

/** The fleet's events, unbatched. */
export function fleet(seed: number, installations = 14): Event[] {
  const r = prng(seed);
  const events: Event[] = [];
  for (let i = 0; i < installations; i++) {
    const installationId = `0190a0b0-0000-4000-8000-${String(seed * 100 + i).padStart(12, "0")}`;
    const senders: Sender[] = Array.from({ length: 1 + r.int(3) }, () => ({ installationId, ...context(r) }));
    const first = r.int(18);
    for (let n = 1 + r.int(8); n > 0; n--) {
      const d = first + r.int(21 - first);
      const sender = r.pick(senders);
      const ts = D0 + d * DAY + r.int(DAY - 10_000);
      for (let k = 0; k < 1 + r.int(5); k++) events.push({ sender, ts: ts + k, ...event(r, r.int(10)) });
    }
    // a tie: three inits in one millisecond, after every other event of the installation, so the
    // tie-break decides its configuration in every range that reaches the last day
    if (i % 3 === 0) {
      const ts = D0 + 20 * DAY + DAY - 1000;
      for (let k = 0; k < 3; k++) events.push({ sender: senders[0]!, ts, type: "init", props: init(r) });
    }
  }
  return events;
}

/** One batch per (sender, day), shuffled, as the ingest path hands them to a store. */
export function batchesOf(events: readonly Event[], seed: number): IngestBatch[] {
  const groups = new Map<string, Event[]>();
  for (const e of events) {
    const key = `${e.sender.installationId}|${JSON.stringify(e.sender)}|${Math.floor(e.ts / DAY)}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const list: IngestBatch[] = [...groups.values()].map((evs) => ({
    envelope: {
      source: "sdk",
      installationId: evs[0]!.sender.installationId,
      idKind: "persistent",
      sdkVersion: "0.1.0",
      context: evs[0]!.sender.context,
      additionalData: evs[0]!.sender.data,
    },
    events: evs.map((e) => ({ id: uuidv7(e.ts), type: e.type, ts: e.ts, props: e.props })) as IngestBatch["events"],
  }));
  const r = prng(seed * 7 + 1);
  for (let i = list.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

const FILTERS: DashboardFilter[] = [
  {},
  { runtime: "bun" },
  { framework: "hono" },
  { environment: "production", runtime: "node" },
  { data: [{ key: "region", value: "eu" }] },
  { data: [{ key: "replicas", value: "3" }] },
  {
    data: [
      { key: "beta", value: "true" },
      { key: "region", value: "eu" },
    ],
  },
];

/** Whole range, a week across the month boundary, one day, the last week, the last day. */
export const QUERIES: DashboardQuery[] = [
  [0, 21],
  [10, 17],
  [12, 13],
  [15, 21],
  [20, 21],
].flatMap(([a, b]) => FILTERS.map((filter) => ({ from: D0 + a! * DAY, to: D0 + b! * DAY, filter })));

/** The six dashboard panels, as DashboardStore names them. */
export const PANELS = [
  "dashboardInstallations",
  "dashboardBreakdowns",
  "dashboardAdoption",
  "dashboardErrors",
  "dashboardRequests",
  "dashboardAuth",
] as const satisfies readonly (keyof DashboardStore)[];

/**
 * Every range unfiltered, and the whole range under every filter: most of
 * what QUERIES covers, at a fraction of its time on a shared 2-core machine.
 */
export const COARSE_QUERIES = QUERIES.filter(
  (q) => Object.keys(q.filter).length === 0 || q.to - q.from === QUERIES[0]!.to - QUERIES[0]!.from,
);
