/**
 * One suite, two stores: the same batches go into the DuckDB store (the
 * embedded default, whose numbers test/dashboard-api.test.ts checks by hand)
 * and the ClickHouse store (on chdb), in the same groups, and every
 * EventStore answer must be the same: insert results, overview, recent
 * events, every dashboard panel for every range and filter, after retries,
 * and after an erasure. See support/compare.ts for what "the same" allows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuidv7 } from "../../src/ingest/ids.js";
import type { ClickHouseEventStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { DuckDBEventStore } from "../../src/store/duckdb/duckdb-store.js";
import type { IngestBatch, StoredEvent } from "../../src/store/event-store.js";
import { prng } from "../support/prng.js";
import { tempDir } from "../support/temp.js";
import { chdbSession } from "./support/chdb.js";
import { normalize } from "./support/compare.js";
import { batchesOf, COARSE_QUERIES, D0, DAY, fleet, PANELS, QUERIES } from "./support/random-fleet.js";

const session = chdbSession();
const dir = tempDir();
afterAll(() => {
  session.remove();
  dir.remove();
});

/** After retries and an erasure: the full grid again would double the suite's time for little more coverage. */
const AFTER_CHANGE = COARSE_QUERIES;

const withoutReceivedAt = (events: StoredEvent[]) => events.map(({ receivedAt: _, ...rest }) => rest);

describe.each([1, 2, 3])("seed %i: the ClickHouse store answers as the DuckDB store does", (seed) => {
  let duck: DuckDBEventStore;
  let click: ClickHouseEventStore;
  let batches: IngestBatch[];
  let installations: string[];

  const both = async <T>(ask: (store: DuckDBEventStore | ClickHouseEventStore) => Promise<T>) => {
    const [a, b] = await Promise.all([ask(duck), ask(click)]);
    return { duckdb: normalize(a), clickhouse: normalize(b) };
  };
  const expectSame = async <T>(label: string, ask: (store: DuckDBEventStore | ClickHouseEventStore) => Promise<T>) => {
    const { duckdb, clickhouse } = await both(ask);
    expect(clickhouse, label).toEqual(duckdb);
  };
  const expectPanelsSame = async (when: string, queries = QUERIES) => {
    for (const query of queries) {
      // a dashboard page asks its six panels at once, too
      await Promise.all(
        PANELS.map((panel) => expectSame<unknown>(`${when} ${panel} ${JSON.stringify(query)}`, (s) => s[panel](query))),
      );
    }
  };

  beforeAll(async () => {
    duck = await DuckDBEventStore.open({ path: dir.file(`seed-${seed}.duckdb`) });
    click = await session.openStore();
    batches = batchesOf(fleet(seed), seed);
    installations = [...new Set(batches.map((b) => b.envelope.installationId))];
    const r = prng(seed + 100);
    for (let i = 0; i < batches.length; ) {
      const group = batches.slice(i, i + 1 + r.int(6));
      i += group.length;
      const [a, b] = await Promise.all([duck.insert(group), click.insert(group)]);
      expect(b).toEqual(a);
    }
  }, 300_000);

  afterAll(async () => {
    await Promise.all([duck?.close(), click?.close()]);
  });

  it("counts the same occurrences and installations, over open and closed ranges", async () => {
    const mid = D0 + 10 * DAY + 12 * 3_600_000 + 123;
    for (const range of [{}, { from: mid }, { to: mid }, { from: D0 + 3 * DAY, to: mid }, { from: mid, to: mid }]) {
      await expectSame(`overview ${JSON.stringify(range)}`, (s) => s.overview(range));
    }
    const overview = await click.overview({});
    expect(Object.values(overview.events).reduce((n, c) => n + c, 0)).toBeGreaterThan(100);
  });

  it("answers every dashboard panel alike, for every range and filter", async () => {
    await expectPanelsSame("stored:");
    // the daily error series follows the same ranking of codes when it is cut short
    for (const query of QUERIES.slice(0, 3)) {
      await expectSame(`errors, one series ${JSON.stringify(query)}`, (s) =>
        s.dashboardErrors(query, { seriesCodes: 1 }),
      );
    }
  }, 300_000);

  it("lists the same recent events, newest stored first", async () => {
    for (const query of [
      { limit: 10 },
      { limit: 100_000 },
      { type: "init" as const, limit: 7 },
      { installationId: installations[0]!, limit: 50 },
      { installationId: installations[1]!, type: "error" as const, limit: 3 },
    ]) {
      const { duckdb, clickhouse } = await both(async (s) => withoutReceivedAt(await s.recentEvents(query)));
      // order matters here: compare the lists as returned, not normalized
      expect(clickhouse, JSON.stringify(query)).toEqual(duckdb);
    }
    const [a, b] = await Promise.all([duck.recentEvents({ limit: 5 }), click.recentEvents({ limit: 5 })]);
    expect(withoutReceivedAt(b)).toEqual(withoutReceivedAt(a));
  });

  it("reports retried events as duplicates and stores them once", async () => {
    const r = prng(seed + 200);
    const retried = Array.from({ length: 4 }, () => batches[r.int(batches.length)]!);
    const unique = [...new Set(retried)];
    // a batch half old, half new: a client that retried after adding events
    const source = batches[r.int(batches.length)]!;
    const fresh = source.events.map((e) => ({ ...e, id: uuidv7(e.ts) }));
    const mixed: IngestBatch = { envelope: source.envelope, events: [...source.events, ...fresh] };
    const [a, b] = await Promise.all([duck.insert([...unique, mixed]), click.insert([...unique, mixed])]);
    expect(b).toEqual(a);
    expect(b.at(-1)).toEqual({ accepted: fresh.length, duplicates: source.events.length });
    for (const result of b.slice(0, -1)) expect(result.accepted).toBe(0);
    await expectSame("overview after retries", (s) => s.overview({}));
    await expectPanelsSame("after retries:", AFTER_CHANGE);
  }, 300_000);

  it("erases an installation alike, and answers alike afterwards", async () => {
    const gone = installations[seed % installations.length]!;
    const [a, b] = await Promise.all([duck.eraseInstallation(gone), click.eraseInstallation(gone)]);
    expect(a).toBeGreaterThan(0);
    expect(b).toBe(a);
    expect(await click.recentEvents({ installationId: gone, limit: 10 })).toEqual([]);
    expect(await click.eraseInstallation(gone)).toBe(0);
    await expectSame("overview after erasure", (s) => s.overview({}));
    await expectPanelsSame("after erasure:", AFTER_CHANGE);
  }, 300_000);
});
