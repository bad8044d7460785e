/**
 * The rollups against brute force: random installations in several contexts
 * send random events over three weeks, in shuffled batches, with dashboard
 * reads (catch-ups) in between so late data lands before and between stored
 * days; then every panel's numbers for several ranges and filters must equal
 * the definitions in dashboard-types.ts computed directly from the events.
 * Then one installation is erased and everything is compared again.
 */
import { afterEach, describe, expect, it } from "vitest";
import { prng } from "../../../../test/support/prng.js";
import { tempDir } from "../../../../test/support/temp.js";
import { uuidv7 } from "../../../ingest/ids.js";
import type { DashboardFilter, DashboardQuery } from "../../dashboard-types.js";
import type { IngestBatch, IngestContext } from "../../event-store.js";
import { DuckDBEventStore } from "../duckdb-store.js";

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 1, 2); // a Monday
const dayOf = (ts: number) => Math.floor(ts / DAY) * DAY;

interface Ctx extends IngestContext {
  data: Record<string, string> | null;
}
interface Ev {
  inst: string;
  ctx: Ctx;
  type: string;
  ts: number;
  props: Record<string, unknown>;
}

const ROUTES = [
  ["/get-session", "GET"],
  ["/sign-in/email", "POST"],
  ["/callback/:id", "GET"],
] as const;
const CODES = ["INVALID_TOKEN", "USER_NOT_FOUND", undefined];
const PLUGINS = ["admin", "organization", "two-factor"];

function generate(seed: number): Ev[] {
  const r = prng(seed);
  const events: Ev[] = [];
  for (let i = 0; i < 12; i++) {
    const inst = `0190a0b0-0000-4000-8000-${String(i).padStart(12, "0")}`;
    // one to three contexts per installation: an upgrade, a framework change, new additionalData
    const contexts: Ctx[] = Array.from({ length: 1 + r.int(3) }, () => ({
      runtime: r.pick(["node", "bun"]),
      runtimeVersion: r.pick(["20.1.0", "22.2.0"]),
      framework: r.pick(["next", "hono"]),
      environment: r.pick(["production", "development"]),
      data: r.pick<Record<string, string> | null>([
        null,
        { region: "eu" },
        { region: "us" },
        { region: "eu", tier: "pro" },
      ]),
    }));
    const first = r.int(18);
    const days = Array.from({ length: 1 + r.int(8) }, () => first + r.int(21 - first));
    for (const d of days) {
      const ctx = r.pick(contexts);
      const ts = D0 + d * DAY + r.int(DAY);
      for (let n = 0; n < 1 + r.int(4); n++) {
        const kind = r.int(10);
        const count = 1 + r.int(9);
        if (kind < 4) {
          const [route, method] = r.pick(ROUTES);
          const buckets = Array.from({ length: 14 }, () => 0);
          buckets[r.int(14)] = count;
          events.push({
            inst,
            ctx,
            type: "api_request",
            ts: ts + n,
            props: {
              route,
              method,
              status: r.pick([200, 302, 401, 500]),
              source: "handler",
              count,
              duration: { sumMs: count * 3, buckets },
            },
          });
        } else if (kind < 6) {
          const code = r.pick(CODES);
          events.push({
            inst,
            ctx,
            type: "error",
            ts: ts + n,
            props: { type: r.pick(["APIError", "TypeError"]), ...(code ? { code } : {}), count },
          });
        } else if (kind < 8) {
          const social = r.next() < 0.5;
          events.push({
            inst,
            ctx,
            type: r.next() < 0.6 ? "auth_success" : "auth_failure",
            ts: ts + n,
            props: {
              method: social ? "social" : "email",
              ...(social ? { provider: r.pick(["github", "google"]) } : {}),
              reason: r.pick(["INVALID_TOKEN", "USER_NOT_FOUND"]),
              count,
            },
          });
        } else {
          events.push({
            inst,
            ctx,
            type: "init",
            // distinct ms per init: "latest" has no ties here
            ts: ts + n * 1000 + i,
            props: {
              betterAuthVersion: r.pick(["1.6.0", "1.7.0"]),
              database: { kind: r.pick(["postgres", "sqlite"]), adapter: "kysely" },
              plugins: PLUGINS.filter(() => r.next() < 0.5),
              socialProviders: [],
              features: { emailAndPassword: r.next() < 0.5 },
            },
          });
        }
      }
    }
  }
  // auth_success events carry no reason
  for (const e of events) if (e.type === "auth_success") delete e.props.reason;
  return events;
}

/** One batch per (installation, context, day), in shuffled order. */
function batches(events: Ev[], seed: number): IngestBatch[] {
  const groups = new Map<string, Ev[]>();
  for (const e of events) {
    const key = `${e.inst}|${JSON.stringify(e.ctx)}|${dayOf(e.ts)}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const list = [...groups.values()].map((evs) => {
    const { data, ...context } = evs[0]!.ctx;
    return {
      envelope: {
        source: "sdk" as const,
        installationId: evs[0]!.inst,
        idKind: "persistent" as const,
        sdkVersion: "0.1.0",
        context,
        additionalData: data,
      },
      events: evs.map((e) => ({ id: uuidv7(e.ts), type: e.type, ts: e.ts, props: e.props })),
    } as IngestBatch;
  });
  const r = prng(seed * 7 + 1);
  for (let i = list.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

// ---- the definitions, computed directly

const matches = (f: DashboardFilter, c: Ctx) =>
  (f.runtime === undefined || f.runtime === c.runtime) &&
  (f.framework === undefined || f.framework === c.framework) &&
  (f.environment === undefined || f.environment === c.environment) &&
  (f.data ?? []).every((d) => c.data?.[d.key] === d.value);

const distinct = (evs: Ev[]) => new Set(evs.map((e) => e.inst)).size;

function groupBy<K>(evs: Ev[], key: (e: Ev) => K): Map<K, Ev[]> {
  const out = new Map<K, Ev[]>();
  for (const e of evs) out.set(key(e), [...(out.get(key(e)) ?? []), e]);
  return out;
}

const sumCount = (evs: Ev[]) => evs.reduce((n, e) => n + (e.props.count as number), 0);

function expected(all: Ev[], q: DashboardQuery) {
  const inRange = all.filter((e) => e.ts >= q.from && e.ts < q.to && matches(q.filter, e.ctx));
  const firstDay = new Map<string, number>();
  for (const e of all) firstDay.set(e.inst, Math.min(firstDay.get(e.inst) ?? Infinity, dayOf(e.ts)));
  const byDay = groupBy(inRange, (e) => dayOf(e.ts));
  const days = [...byDay.entries()]
    .map(([day, evs]) => ({
      day,
      active: distinct(evs),
      new: new Set(evs.filter((e) => firstDay.get(e.inst) === day).map((e) => e.inst)).size,
    }))
    .sort((a, b) => a.day - b.day);
  const weekOf = (day: number) => Math.max(day - ((new Date(day).getUTCDay() + 6) % 7) * DAY, q.from);
  const weeks = [...groupBy(inRange, (e) => weekOf(dayOf(e.ts))).entries()]
    .map(([week, evs]) => ({ week, active: distinct(evs) }))
    .sort((a, b) => a.week - b.week);
  const active = new Set(inRange.map((e) => e.inst));
  const latest = new Map<string, Ev>();
  for (const e of all) {
    if (e.type !== "init" || dayOf(e.ts) >= q.to || !active.has(e.inst)) continue;
    if ((latest.get(e.inst)?.ts ?? -1) < e.ts) latest.set(e.inst, e);
  }
  const counted = (map: Map<string, Ev[]>) =>
    Object.fromEntries([...map.entries()].map(([k, evs]) => [k, distinct(evs)]));
  const plugins: Record<string, number> = {};
  for (const init of latest.values())
    for (const p of init.props.plugins as string[]) plugins[p] = (plugins[p] ?? 0) + 1;
  const of = (type: string) => inRange.filter((e) => e.type === type);
  const auth = inRange.filter((e) => e.type.startsWith("auth_"));
  return {
    installations: { active: active.size, new: days.reduce((n, d) => n + d.new, 0), days, weeks },
    runtime: counted(groupBy(inRange, (e) => e.ctx.runtime)),
    runtimeVersion: counted(groupBy(inRange, (e) => `${e.ctx.runtime} ${e.ctx.runtimeVersion}`)),
    framework: counted(groupBy(inRange, (e) => e.ctx.framework ?? "")),
    configured: latest.size,
    version: counted(
      groupBy(
        [...latest.values()].map((e) => e),
        (e) => e.props.betterAuthVersion as string,
      ),
    ),
    plugins,
    routes: Object.fromEntries(
      [...groupBy(of("api_request"), (e) => `${e.props.method} ${e.props.route}`).entries()].map(([k, evs]) => [
        k,
        {
          requests: sumCount(evs),
          installations: distinct(evs),
          buckets: Array.from({ length: 14 }, (_, i) =>
            evs.reduce((n, e) => n + ((e.props.duration as { buckets: number[] }).buckets[i] ?? 0), 0),
          ),
        },
      ]),
    ),
    codes: Object.fromEntries(
      [...groupBy(of("error"), (e) => String(e.props.code ?? null)).entries()].map(([k, evs]) => [
        k,
        { occurrences: sumCount(evs), installations: distinct(evs) },
      ]),
    ),
    errorInstallations: distinct(of("error")),
    auth: Object.fromEntries(
      [...groupBy(auth, (e) => `${e.props.method} ${e.props.provider ?? null}`).entries()].map(([k, evs]) => [
        k,
        {
          successes: sumCount(evs.filter((e) => e.type === "auth_success")),
          failures: sumCount(evs.filter((e) => e.type === "auth_failure")),
          installations: distinct(evs),
        },
      ]),
    ),
    reasons: Object.fromEntries(
      [...groupBy(of("auth_failure"), (e) => String(e.props.reason)).entries()].map(([k, evs]) => [
        k,
        { occurrences: sumCount(evs), installations: distinct(evs) },
      ]),
    ),
  };
}

async function actual(store: DuckDBEventStore, q: DashboardQuery) {
  const [installations, breakdowns, adoption, errors, requests, auth] = await Promise.all([
    store.dashboardInstallations(q),
    store.dashboardBreakdowns(q),
    store.dashboardAdoption(q),
    store.dashboardErrors(q),
    store.dashboardRequests(q),
    store.dashboardAuth(q),
  ]);
  const counts = (groups: { value: string | null; installations: number }[]) =>
    Object.fromEntries(groups.filter((g) => g.value !== null).map((g) => [g.value, g.installations]));
  return {
    installations: {
      active: installations.active,
      new: installations.new,
      days: installations.days,
      weeks: installations.weeks,
    },
    runtime: counts(breakdowns.runtime),
    runtimeVersion: counts(breakdowns.runtimeVersion),
    framework: counts(breakdowns.framework),
    configured: breakdowns.configured,
    version: counts(breakdowns.betterAuthVersion),
    plugins: counts(adoption.plugins),
    routes: Object.fromEntries(
      requests.routes.map((r) => [
        `${r.method} ${r.route}`,
        { requests: r.requests, installations: r.installations, buckets: r.buckets },
      ]),
    ),
    codes: Object.fromEntries(
      errors.codes.map((c) => [String(c.code), { occurrences: c.occurrences, installations: c.installations }]),
    ),
    errorInstallations: errors.total.installations,
    auth: Object.fromEntries(
      auth.groups.map((g) => [
        `${g.method} ${g.provider}`,
        { successes: g.successes, failures: g.failures, installations: g.installations },
      ]),
    ),
    reasons: Object.fromEntries(
      auth.reasons.map((r) => [String(r.reason), { occurrences: r.occurrences, installations: r.installations }]),
    ),
  };
}

const QUERIES: DashboardQuery[] = [
  [0, 21],
  [3, 10],
  [7, 8],
  [15, 21],
].flatMap(([a, b]) =>
  (
    [
      {},
      { runtime: "bun" },
      { framework: "hono" },
      { data: [{ key: "region", value: "eu" }] },
      { environment: "production", runtime: "node" },
    ] as DashboardFilter[]
  ).map((filter) => ({ from: D0 + a! * DAY, to: D0 + b! * DAY, filter })),
);

describe("dashboard rollups", () => {
  let dir: ReturnType<typeof tempDir>;
  let store: DuckDBEventStore | undefined;
  afterEach(async () => {
    await store?.close();
    dir.remove();
  });

  it.each([1, 2, 3])(
    "equal the definitions computed from the events (seed %i), before and after an erasure",
    async (seed) => {
      dir = tempDir();
      store = await DuckDBEventStore.open({ path: dir.file("events.duckdb") });
      const events = generate(seed);
      const list = batches(events, seed);
      const r = prng(seed + 100);
      for (let i = 0; i < list.length; ) {
        const group = list.slice(i, i + 1 + r.int(4));
        i += group.length;
        await store.insert(group);
        // fold what is stored so far: later batches arrive as late data
        if (r.next() < 0.3) await store.dashboardInstallations(QUERIES[0]!);
      }
      for (const q of QUERIES) expect(await actual(store, q), JSON.stringify(q)).toEqual(expected(events, q));

      const gone = events[0]!.inst;
      await store.eraseInstallation(gone);
      const left = events.filter((e) => e.inst !== gone);
      for (const q of QUERIES)
        expect(await actual(store, q), `after erasure ${JSON.stringify(q)}`).toEqual(expected(left, q));
    },
    120_000, // dozens of queries per seed: on a busy 2-core machine one seed took over 30 s
  );
});
