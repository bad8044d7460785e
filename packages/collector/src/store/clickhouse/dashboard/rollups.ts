/**
 * Which days the ClickHouse dashboard reads from its rollups, and keeping
 * them exact: per-day rebuilds from `events FINAL`, versioned, decided by a
 * watermark with a safety margin.
 *
 * Why not insert-time materialized views that sum: a retry raced through two
 * replicas is stored twice, and ReplacingMergeTree folds the copies only at a
 * later merge (reads use FINAL). A view that sums `count` at insert would
 * count both, forever. Distinct installations are sets (uniqExact over the
 * range's presence rows), never sums of daily counts. An erasure
 * (ALTER … DELETE) must leave the rollups too. So a day's rollup rows are
 * always recomputed as a whole from `events FINAL` for that day, and replace
 * the previous ones by version:
 *
 * 1. Every insert into `events` stamps its days in dash_touched with
 *    ClickHouse's clock (a materialized view: it sees every copy a replica
 *    stores); an erasure stamps the installation's days itself.
 * 2. A read takes a snapshot: per day, the last touch `m`, and the current
 *    rebuild from dash_days (version, `covered`: the touch it is complete up
 *    to, build fingerprint). A day is
 *    - stored when its current rebuild covers its last touch;
 *    - live when its last touch is within the settle margin of now: its
 *      rows are computed from `events` by the same SELECT a rebuild runs,
 *      at read time (normally just today);
 *    - otherwise rebuilt now, under a new version, before the read.
 * 3. A rebuild at server time R writes each table's rows for its days
 *    under version R (microseconds, plus random low digits so two replicas
 *    never share one), then records (day, version, covered = min(m,
 *    R - settle), fingerprint) in dash_days. A touch stamped up to R -
 *    settle belongs to an insert that was visible before R, as long as an
 *    insert's events become visible within `settle` of its stamp (insert
 *    time, plus clock skew between ClickHouse servers); a later touch
 *    leaves the day dirty, and it is rebuilt again. Two replicas rebuilding
 *    one day at once write two versions; the higher (later R, so it read
 *    later) wins, whichever finished first.
 * 4. Superseded versions are deleted (lightweight DELETE) at the day's next
 *    rebuild, keeping the one just replaced for reads still using it.
 *
 * Reads name the (day, version) pairs they read, so a snapshot gives every
 * panel of a page one consistent state, and the primary index skips every
 * other version. Measured at 10M events (docs/benchmarks.md): a page 1.2 s
 * for 30 days, 2.7 s for 90, against 4.7 and 10.5 s reading `events`
 * directly; what remains is mostly the uniqExact over the range's route
 * presence rows (2.5M for 30 days). Considered and not taken: AggregatingMergeTree views with
 * uniqExactState (merging states measured 2-3x slower here than uniqExact
 * over presence rows, and views still cannot sum exactly); projections
 * (not used by FINAL queries, so they cannot fold racing copies either).
 */
import { createHash, randomInt } from "node:crypto";
import type { ClickHouseClient } from "@clickhouse/client";
import { Serial } from "../../serial.js";
import { num, Params, select } from "../sql.js";
import { CONFIG_COLUMNS, firstSeenSql, ROLLUPS, type RollupTable } from "./rollup-tables.js";

/** Days per rebuild statement: bounds the memory one INSERT … SELECT over `events FINAL` takes. */
const DAYS_PER_STATEMENT = 8;

/** Identifies the rollup SQL: rows built by other SQL (an older collector, another vocabulary) are rebuilt. */
export const BUILD_FINGERPRINT = createHash("sha256")
  .update(
    JSON.stringify([...Object.values(ROLLUPS).map((t: RollupTable) => t.build("db", "d")), firstSeenSql("db", "d")]),
  )
  .digest()
  .readUIntBE(0, 6);

const FINAL_SETTINGS = {
  // both copies of an event share its ts, so its month: no merging across partitions is needed
  do_not_merge_across_partitions_select_final: 1,
} as const;

export interface Snapshot {
  /** Days read from the rollup tables: ISO day → version (a UInt64 as decimal text). */
  stored: ReadonlyMap<string, string>;
  /** Days computed from `events` at read time, ISO, sorted. */
  live: readonly string[];
  /** Results shared by the panels reading this snapshot (the active count every panel asks). */
  memo: Map<string, Promise<unknown>>;
}

interface DayState {
  day: string;
  touched: number;
  version: string;
  covered: number;
  build: number;
}

const quoteDays = (days: readonly string[]) => days.map((d) => `'${d}'`).join(", ");
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export class ClickHouseRollups {
  readonly #client: ClickHouseClient;
  readonly #db: string;
  readonly #settleMicros: number;
  /** Snapshots (and the rebuilds they start) one at a time in this replica. */
  readonly #serial = new Serial();
  /** Bumped on each acknowledged write of this replica: a snapshot older than a write is not shared. */
  #writes = 0;
  #pending: { writes: number; snapshot: Promise<Snapshot> } | undefined;

  constructor(options: { client: ClickHouseClient; db: string; settleMs: number }) {
    this.#client = options.client;
    this.#db = options.db;
    this.#settleMicros = Math.max(0, Math.trunc(options.settleMs)) * 1000;
  }

  /** This replica stored or erased events: later reads take a new snapshot. */
  noteWrite(): void {
    this.#writes++;
  }

  /**
   * The rollup state to read: stored and live days, after rebuilding every
   * dirty day that is past the settle margin. Reads that arrive while one is
   * being taken share it (a page asks six panels at once).
   */
  snapshot(): Promise<Snapshot> {
    if (this.#pending && this.#pending.writes === this.#writes) return this.#pending.snapshot;
    const pending = { writes: this.#writes, snapshot: this.#serial.run(() => this.#take()) };
    this.#pending = pending;
    const clear = () => {
      if (this.#pending === pending) this.#pending = undefined;
    };
    pending.snapshot.then(clear, clear);
    return pending.snapshot;
  }

  /** Rebuilds every dirty day now, whatever the margin says about live days (benchmarks, tests). */
  async refresh(): Promise<void> {
    this.#writes++;
    await this.snapshot();
  }

  /**
   * Erases an installation from the rollups around `deleteEvents` (which
   * deletes its events): its days are marked touched before and after, and
   * every version of those days is deleted, so nothing derived from its
   * events stays, in any version. The days are then live or rebuilt at the
   * next read. Resolves to deleteEvents' result.
   */
  async erase<T>(installationId: string, deleteEvents: () => Promise<T>): Promise<T> {
    const db = this.#db;
    const params = new Params();
    const id = params.add(installationId, "UUID");
    const days = (
      await select<{ day: string }>(
        this.#client,
        `SELECT DISTINCT toString(day) AS day FROM (
          SELECT toDate(ts) AS day FROM ${db}.events WHERE installation_id = ${id}
          UNION ALL SELECT day FROM ${db}.dash_activity WHERE installation_id = ${id}
        )`,
        params,
      )
    ).map((r) => r.day);
    const touch = () =>
      this.#client.command({
        query: `INSERT INTO ${db}.dash_touched SELECT toDate(d) AS day, now64(6, 'UTC') AS at
          FROM (SELECT arrayJoin([${quoteDays(days)}]) AS d)`,
      });
    if (days.length > 0) await touch();
    const result = await deleteEvents();
    if (days.length > 0) {
      await touch();
      for (const table of Object.values(ROLLUPS) as RollupTable[]) {
        await this.#client.command({
          query: `DELETE FROM ${db}.${table.name} WHERE day IN (${quoteDays(days)})`,
        });
      }
    }
    for (const table of ["dash_first_seen", "dash_inits_latest"]) {
      await this.#client.command({
        query: `DELETE FROM ${db}.${table} WHERE installation_id = ${id}`,
        query_params: params.values,
      });
    }
    // a configuration no stored init names any more may have been the erased installation's alone
    await this.#client.command({
      query: `DELETE FROM ${db}.dash_configs WHERE sig NOT IN (SELECT sig FROM ${db}.dash_inits)`,
    });
    this.#writes++;
    return result;
  }

  async #take(): Promise<Snapshot> {
    const db = this.#db;
    const [[clock], rows] = await Promise.all([
      select<{ now: unknown }>(this.#client, `SELECT toUnixTimestamp64Micro(now64(6, 'UTC')) AS now`),
      select<{ day: string; touched: unknown; version: unknown; covered: unknown; build: unknown }>(
        this.#client,
        // aliases differ from the column names: ClickHouse would read an alias named like a column inside argMax
        `SELECT toString(t.d) AS day, toUnixTimestamp64Micro(t.last) AS touched, toString(r.v) AS version,
          toUnixTimestamp64Micro(r.c) AS covered, r.f AS build
        FROM (SELECT day AS d, max(at) AS last FROM ${db}.dash_touched GROUP BY day) AS t
        LEFT JOIN (
          SELECT day AS d, max(version) AS v, argMax(covered, version) AS c, argMax(build, version) AS f
          FROM ${db}.dash_days GROUP BY day
        ) AS r ON t.d = r.d`,
      ),
    ]);
    const now = num(clock?.now);
    const stored = new Map<string, string>();
    const live: string[] = [];
    const dirty: DayState[] = [];
    for (const row of rows) {
      if (!ISO_DAY.test(row.day)) continue;
      const state: DayState = {
        day: row.day,
        touched: num(row.touched),
        version: String(row.version ?? "0"),
        covered: num(row.covered),
        build: num(row.build),
      };
      if (state.version !== "0" && state.covered >= state.touched && state.build === BUILD_FINGERPRINT) {
        stored.set(state.day, state.version);
      } else if (state.touched > now - this.#settleMicros) {
        live.push(state.day);
      } else {
        dirty.push(state);
      }
    }
    if (dirty.length > 0) {
      const version = await this.#rebuild(dirty, now);
      for (const state of dirty) stored.set(state.day, version);
    }
    return { stored, live: live.sort(), memo: new Map() };
  }

  /** Rebuilds the days under one new version; resolves to it. */
  async #rebuild(days: DayState[], now: number): Promise<string> {
    const db = this.#db;
    const version = (BigInt(now) * 1000n + BigInt(randomInt(1000))).toString();
    const sorted = [...days].sort((x, y) => x.day.localeCompare(y.day));
    for (let i = 0; i < sorted.length; i += DAYS_PER_STATEMENT) {
      const chunk = sorted.slice(i, i + DAYS_PER_STATEMENT);
      const list = quoteDays(chunk.map((d) => d.day));
      for (const table of Object.values(ROLLUPS) as RollupTable[]) {
        const columns = table.columns.join(", ");
        await this.#client.command({
          query: `INSERT INTO ${db}.${table.name} (day, version, ${columns})
            SELECT day, ${version}, ${columns} FROM (${table.build(db, list)})`,
          clickhouse_settings: FINAL_SETTINGS,
        });
      }
      await this.#client.command({ query: `INSERT INTO ${db}.dash_first_seen ${firstSeenSql(db, list)}` });
      const inits = `${db}.dash_inits WHERE day IN (${list}) AND version = ${version}`;
      await this.#client.command({
        query: `INSERT INTO ${db}.dash_inits_latest
          SELECT installation_id, max((init_ts, sig)) FROM ${inits} GROUP BY installation_id`,
      });
      await this.#client.command({
        query: `INSERT INTO ${db}.dash_configs SELECT DISTINCT ${CONFIG_COLUMNS.join(", ")} FROM ${inits}`,
      });
      const covered = (d: DayState) => Math.min(d.touched, now - this.#settleMicros);
      await this.#client.command({
        query: `INSERT INTO ${db}.dash_days (day, version, covered, build) VALUES ${chunk
          .map((d) => `('${d.day}', ${version}, fromUnixTimestamp64Micro(${covered(d)}, 'UTC'), ${BUILD_FINGERPRINT})`)
          .join(", ")}`,
      });
      // the versions before the one just replaced: no read started before that one was current
      const replaced = chunk.filter((d) => d.version !== "0");
      if (replaced.length > 0) {
        const superseded = replaced.map((d) => `(day = '${d.day}' AND version < ${d.version})`).join(" OR ");
        for (const table of Object.values(ROLLUPS) as RollupTable[]) {
          await this.#client.command({ query: `DELETE FROM ${db}.${table.name} WHERE ${superseded}` });
        }
      }
    }
    return version;
  }
}
