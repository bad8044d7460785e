/**
 * The stats API over real HTTP, served from each store: two collectors, one
 * on DuckDB (whose answers test/dashboard-api.test.ts checks number by number
 * against the hand-computed fixture) and one on ClickHouse, are sent the same
 * fixture, and every endpoint must answer both with the same JSON, in private
 * and in public mode. So the ClickHouse store reproduces the hand-computed
 * numbers, through the same stats layer (percentiles, shares, top-N,
 * suppression) the dashboard uses. (Raw events are compared in
 * store-parity.test.ts: here each collector's fixture gets fresh event ids.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCollector, type TestCollector } from "../support/collector.js";
import { date, seedFixture } from "../support/dashboard-fixture.js";
import { request } from "../support/http.js";
import { chdbSession } from "./support/chdb.js";

const session = chdbSession();
const collectors: Record<"duckdb" | "clickhouse" | "duckdbPublic" | "clickhousePublic", TestCollector> = {} as never;

beforeAll(async () => {
  collectors.duckdb = await startTestCollector();
  collectors.clickhouse = await startTestCollector({ store: await session.openStore({ database: "private" }) });
  collectors.duckdbPublic = await startTestCollector({ publicMode: { k: 2 } });
  collectors.clickhousePublic = await startTestCollector({
    store: await session.openStore({ database: "public" }),
    publicMode: { k: 2 },
  });
  await Promise.all(Object.values(collectors).map((c) => seedFixture(c.url)));
});

afterAll(async () => {
  await Promise.all(Object.values(collectors).map((c) => c.dispose()));
  session.remove();
});

const PANELS = ["installations", "breakdowns", "adoption", "errors", "requests", "auth"];
const QUERIES = [
  `from=${date(0)}&to=${date(8)}`,
  `from=${date(0)}&to=${date(9)}`,
  `from=${date(1)}&to=${date(3)}`,
  `from=${date(7)}&to=${date(8)}`,
  `from=${date(0)}&to=${date(8)}&runtime=node`,
  `from=${date(0)}&to=${date(8)}&framework=hono`,
  `from=${date(0)}&to=${date(8)}&environment=production&limit=2`,
  `from=${date(0)}&to=${date(8)}&data=region:eu-west-1`,
  `from=${date(0)}&to=${date(8)}&data=region:eu-west-1&data=tier:pro`,
  `from=${date(0)}&to=${date(8)}&runtime=deno&data=region:eu-west-1`,
  `from=2026-01-06T15:00:00Z&to=2026-01-07T01:00:00Z`,
];

async function same(a: TestCollector, b: TestCollector, path: string) {
  const [left, right] = await Promise.all([request(`${a.url}${path}`), request(`${b.url}${path}`)]);
  expect(left.status, `${path}: ${left.text}`).toBe(200);
  expect(right.status, path).toBe(200);
  expect(right.json, path).toEqual(left.json);
  return right.json;
}

describe("the stats API on ClickHouse", () => {
  it.each(PANELS)("%s answers every query as on DuckDB", async (panel) => {
    for (const query of QUERIES) await same(collectors.duckdb, collectors.clickhouse, `/v1/stats/${panel}?${query}`);
  });

  it.each(PANELS)("%s answers alike in public mode (groups under k hidden)", async (panel) => {
    for (const query of QUERIES) {
      await same(collectors.duckdbPublic, collectors.clickhousePublic, `/v1/stats/${panel}?${query}`);
    }
  });

  it("gives the fixture's hand-computed headline numbers", async () => {
    // a few of test/dashboard-api.test.ts's numbers, asked of the ClickHouse collector directly
    const installations = await same(
      collectors.duckdb,
      collectors.clickhouse,
      `/v1/stats/installations?from=${date(0)}&to=${date(8)}`,
    );
    expect(installations.active).toBe(5);
    const overview = await same(collectors.duckdb, collectors.clickhouse, "/v1/stats/overview");
    expect(overview.installations).toBe(6);
  });
});
