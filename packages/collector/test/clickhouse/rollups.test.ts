/**
 * The ClickHouse dashboard's rollups (src/store/clickhouse/dashboard/rollups.ts)
 * against the DuckDB store, through the cases the rollups add: days read from
 * rebuilt rollups (settle margin 0, so every touched day is rebuilt before a
 * read), events arriving late for an old day, a retry's second copy stored by
 * a racing replica after the day was rolled up, two replicas rebuilding the
 * same days at once, a replica reading some days live and others stored, and
 * an erasure after the rollups were built (nothing of the installation may
 * remain in any version). store-parity.test.ts covers the live path: there
 * every day was touched within the default margin.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidv7 } from "../../src/ingest/ids.js";
import type { ClickHouseEventStore } from "../../src/store/clickhouse/clickhouse-store.js";
import type { DashboardQuery } from "../../src/store/dashboard-types.js";
import { DuckDBEventStore } from "../../src/store/duckdb/duckdb-store.js";
import type { IngestBatch } from "../../src/store/event-store.js";
import { prng } from "../support/prng.js";
import { tempDir } from "../support/temp.js";
import { chdbSession } from "./support/chdb.js";
import { normalize } from "./support/compare.js";
import { batchesOf, COARSE_QUERIES, D0, DAY, fleet, PANELS, QUERIES } from "./support/random-fleet.js";

const session = chdbSession();
const dir = tempDir();
const DATABASE = "rolled";
const SEED = 4;

const GRID = COARSE_QUERIES;

let duck: DuckDBEventStore;
let click: ClickHouseEventStore;
const replicas: ClickHouseEventStore[] = [];
let batches: IngestBatch[];
let installations: string[];

const rows = <T>(query: string) => session.rows<T>(query);

const count = async (query: string) => Number((await rows<{ n: unknown }>(query))[0]?.n ?? 0);

async function expectParity(when: string, store: ClickHouseEventStore = click, queries: DashboardQuery[] = GRID) {
  for (const query of queries) {
    await Promise.all(
      PANELS.map(async (panel) => {
        const [a, b] = await Promise.all([duck[panel](query), store[panel](query)]);
        expect(normalize(b), `${when} ${panel} ${JSON.stringify(query)}`).toEqual(normalize(a));
      }),
    );
  }
}

/** Rollup versions stored per day, in dash_days. */
const versionsOf = (day: string) =>
  count(`SELECT uniqExact(version) AS n FROM ${DATABASE}.dash_days WHERE day = '${day}'`);

/** A new batch for an existing sender, with events on `day` (days after D0). */
function lateBatch(source: IngestBatch, day: number, r: ReturnType<typeof prng>): IngestBatch {
  const events = source.events.map((e, i) => {
    const ts = D0 + day * DAY + 3_600_000 + r.int(1000) + i;
    return { ...e, id: uuidv7(ts), ts };
  });
  return { envelope: source.envelope, events };
}

beforeAll(async () => {
  duck = await DuckDBEventStore.open({ path: dir.file("rollups.duckdb") });
  click = await session.openStore({ database: DATABASE, dashboardSettleMs: 0 });
  batches = batchesOf(fleet(SEED), SEED);
  installations = [...new Set(batches.map((b) => b.envelope.installationId))];
  for (let i = 0; i < batches.length; i += 5) {
    const group = batches.slice(i, i + 5);
    await Promise.all([duck.insert(group), click.insert(group)]);
  }
}, 300_000);

afterAll(async () => {
  await Promise.all([duck?.close(), click?.close(), ...replicas.map((r) => r.close())]);
  session.remove();
  dir.remove();
});

describe("the ClickHouse dashboard's rollups", () => {
  it("answer every panel as DuckDB does, from rebuilt days", async () => {
    await click.refreshDashboard();
    const stored = await count(`SELECT count() AS n FROM ${DATABASE}.dash_requests_all`);
    expect(stored).toBeGreaterThan(0);
    await expectParity("rolled up:", click, QUERIES);
    // nothing was touched since: the reads rebuilt nothing, every day has its one version
    expect(
      await count(`SELECT max(n) AS n FROM (SELECT uniqExact(version) AS n FROM ${DATABASE}.dash_days GROUP BY day)`),
    ).toBe(1);
  }, 300_000);

  it("rebuild a day that receives late events, and only that day", async () => {
    const r = prng(SEED + 1);
    const before = await count(`SELECT uniqExact(day, version) AS n FROM ${DATABASE}.dash_days`);
    // late for a day already rolled up: the day of an early batch, sent again with fresh events
    const source = batches.reduce((x, y) => (y.events[0]!.ts < x.events[0]!.ts ? y : x));
    const offset = Math.floor((source.events[0]!.ts - D0) / DAY);
    const day = new Date(D0 + offset * DAY).toISOString().slice(0, 10);
    expect(await versionsOf(day)).toBe(1);
    const late = [lateBatch(source, offset, r), lateBatch(batches[r.int(batches.length)]!, offset, r)];
    const [a, b] = await Promise.all([duck.insert(late), click.insert(late)]);
    expect(b).toEqual(a);
    await expectParity("after late events:");
    expect(await versionsOf(day)).toBe(2);
    // one day rebuilt: one more (day, version) pair
    expect(await count(`SELECT uniqExact(day, version) AS n FROM ${DATABASE}.dash_days`)).toBe(before + 1);
  }, 300_000);

  it("count a retry's second copy once, stored after its day was rolled up", async () => {
    // what a racing replica leaves: every event of one installation stored again, later
    const copied = installations[1]!;
    const client = session.client();
    try {
      await client.command({
        query: `INSERT INTO ${DATABASE}.events SELECT * REPLACE (received_at + INTERVAL 1 SECOND AS received_at)
          FROM ${DATABASE}.events WHERE installation_id = '${copied}'`,
      });
    } finally {
      await client.close();
    }
    expect(await count(`SELECT count() AS n FROM ${DATABASE}.events`)).toBeGreaterThan(
      await count(`SELECT count() AS n FROM ${DATABASE}.events FINAL`),
    );
    await expectParity("after a raced retry:");
  }, 300_000);

  it("stay exact when two replicas rebuild the same days at once", async () => {
    const other = await session.openStore({ database: DATABASE, dashboardSettleMs: 0 });
    replicas.push(other);
    const r = prng(SEED + 2);
    const late = [lateBatch(batches[r.int(batches.length)]!, 12, r), lateBatch(batches[r.int(batches.length)]!, 13, r)];
    await Promise.all([duck.insert(late), click.insert(late)]);
    // both take a snapshot at once: both see the days dirty and rebuild them
    await Promise.all([click.refreshDashboard(), other.refreshDashboard()]);
    await expectParity("rebuilt twice, replica one:", click);
    await expectParity("rebuilt twice, replica two:", other);
    // superseded versions are deleted at the next rebuild, keeping the one just replaced
    const day = new Date(D0 + 12 * DAY).toISOString().slice(0, 10);
    for (let round = 0; round < 2; round++) {
      const more = [lateBatch(batches[r.int(batches.length)]!, 12, r)];
      await Promise.all([duck.insert(more), click.insert(more)]);
      await click.refreshDashboard();
    }
    await expectParity("rebuilt again:");
    const kept = await count(`SELECT uniqExact(version) AS n FROM ${DATABASE}.dash_requests_all WHERE day = '${day}'`);
    expect(kept).toBeLessThanOrEqual(2);
  }, 300_000);

  it("read live days beside stored ones on a replica with a settle margin", async () => {
    const settled = await session.openStore({ database: DATABASE, dashboardSettleMs: 3_600_000 });
    replicas.push(settled);
    const r = prng(SEED + 3);
    // day 19 touched now: live for this replica, every other day stored
    const late = [lateBatch(batches[r.int(batches.length)]!, 19, r)];
    await Promise.all([duck.insert(late), settled.insert(late)]);
    await expectParity("live and stored:", settled);
    const day = new Date(D0 + 19 * DAY).toISOString().slice(0, 10);
    const dirty = await rows<{ touched: string; covered: string }>(
      `SELECT (SELECT max(at) FROM ${DATABASE}.dash_touched WHERE day = '${day}') AS touched,
        (SELECT max(covered) FROM ${DATABASE}.dash_days WHERE day = '${day}') AS covered`,
    );
    expect(dirty[0]!.touched > dirty[0]!.covered).toBe(true);
  }, 300_000);

  it("forget an erased installation in every version, and answer alike afterwards", async () => {
    await click.refreshDashboard();
    const gone = installations[2]!;
    const [a, b] = await Promise.all([duck.eraseInstallation(gone), click.eraseInstallation(gone)]);
    expect(a).toBeGreaterThan(0);
    expect(b).toBe(a);
    for (const table of ["dash_activity", "dash_presence", "dash_inits", "dash_first_seen"]) {
      expect(
        await count(`SELECT count() AS n FROM ${DATABASE}.${table} WHERE installation_id = '${gone}'`),
        table,
      ).toBe(0);
    }
    await expectParity("after erasure:");
    await click.refreshDashboard();
    await expectParity("after erasure, rebuilt:");
    for (const table of ["dash_activity", "dash_presence", "dash_inits", "dash_first_seen"]) {
      expect(
        await count(`SELECT count() AS n FROM ${DATABASE}.${table} WHERE installation_id = '${gone}'`),
        table,
      ).toBe(0);
    }
  }, 300_000);
});
