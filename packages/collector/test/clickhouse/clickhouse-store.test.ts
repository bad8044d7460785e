/**
 * What the ClickHouse store does on start, apart from answering like the
 * DuckDB store (store-parity.test.ts): versioned, idempotent migrations, and
 * one id secret per store that every replica agrees on.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ClickHouseEventStore } from "../../src/store/clickhouse/clickhouse-store.js";
import { MIGRATIONS, migrate, SCHEMA_VERSION } from "../../src/store/clickhouse/schema.js";
import { ingestBatch } from "../support/batches.js";
import { expectRepeatsWithinOneCallStoredOnce } from "../support/store-contract.js";
import { chdbSession } from "./support/chdb.js";

const session = chdbSession();
afterAll(() => session.remove());

const rows = <T>(query: string) => session.rows<T>(query);

describe("migrations", () => {
  it("create the schema once, record each version, and change nothing when run again", async () => {
    const store = await session.openStore({ database: "migrated" });
    await store.insert([ingestBatch({ events: 4 })]);
    await store.close();
    // a second start, and a third racing a fourth: every statement is IF NOT EXISTS
    const again = await session.openStore({ database: "migrated" });
    await Promise.all([
      session.openStore({ database: "migrated" }).then((s) => s.close()),
      session.openStore({ database: "migrated" }).then((s) => s.close()),
    ]);
    expect((await again.overview({})).events.api_request).toBe(4 * 3);
    await again.close();
    const versions = await rows<{ version: number }>(
      "SELECT DISTINCT version FROM migrated.schema_migrations ORDER BY version",
    );
    expect(versions.map((v) => Number(v.version))).toEqual(MIGRATIONS.map((m) => m.version));
    const engine = await rows<{ engine: string; partition_key: string; sorting_key: string }>(
      "SELECT engine, partition_key, sorting_key FROM system.tables WHERE database = 'migrated' AND name = 'events'",
    );
    expect(engine).toEqual([
      {
        engine: "ReplacingMergeTree",
        partition_key: "toYYYYMM(ts)",
        sorting_key: "type, toDate(ts), installation_id, id",
      },
    ]);
  });

  it("apply only the versions not yet recorded, in order", async () => {
    const client = session.client();
    const seen: string[] = [];
    const step = (version: number) => ({
      version,
      name: `step ${version}`,
      statements: (db: string) => {
        seen.push(`v${version}`);
        return [`CREATE TABLE IF NOT EXISTS ${db}.step_${version} (x UInt8) ENGINE = MergeTree ORDER BY x`];
      },
    });
    expect(await migrate(client, "stepped", [step(1)])).toBe(1);
    expect(await migrate(client, "stepped", [step(2), step(1), step(3)])).toBe(3);
    expect(await migrate(client, "stepped", [step(1), step(2), step(3)])).toBe(3);
    expect(seen).toEqual(["v1", "v2", "v3"]);
    await client.close();
  });

  it("refuse a store written by a newer collector", async () => {
    const client = session.client();
    await migrate(client, "newer");
    await client.insert({
      table: "newer.schema_migrations",
      values: [{ version: SCHEMA_VERSION + 1, name: "from the future" }],
      format: "JSONEachRow",
    });
    await client.close();
    await expect(session.openStore({ database: "newer" })).rejects.toThrow(/newer collector/);
  });
});

describe("the id secret", () => {
  it("is created once, kept across restarts, and the same for replicas that start together", async () => {
    const replicas = await Promise.all([1, 2, 3].map(() => session.openStore({ database: "secret" })));
    const [first, ...others] = replicas.map((s) => Buffer.from(s.idSecret).toString("hex"));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    for (const other of others) expect(other).toBe(first);
    await Promise.all(replicas.map((s) => s.close()));
    const later = await session.openStore({ database: "secret" });
    expect(Buffer.from(later.idSecret).toString("hex")).toBe(first);
    await later.close();
    const other = await session.openStore({ database: "another" });
    expect(Buffer.from(other.idSecret).toString("hex")).not.toBe(first);
    await other.close();
  });
});

describe("inserts", () => {
  it("store an id repeated within one call once, counting the repeat on its batch", async () => {
    const store = await session.openStore();
    try {
      await expectRepeatsWithinOneCallStoredOnce(store);
    } finally {
      await store.close();
    }
  });
});

describe("open and close", () => {
  it("refuses a database name that is not an identifier", async () => {
    await expect(ClickHouseEventStore.open({ client: session.client(), database: "x; DROP TABLE y" })).rejects.toThrow(
      /not a valid ClickHouse database name/,
    );
  });

  it("answers ping until closed, and refuses work after", async () => {
    const store = await session.openStore();
    await store.ping();
    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
    await expect(store.insert([ingestBatch()])).rejects.toThrow(/closed/);
  });
});
