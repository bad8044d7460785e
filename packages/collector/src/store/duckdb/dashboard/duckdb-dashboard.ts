/**
 * @module The DuckDB store's answers to the dashboard (DashboardStore), on
 * connections of its own, so dashboard reads and rollup maintenance never wait
 * on the ingest writer or the raw-events reader.
 *
 * - One maintenance connection folds new batches into the rollups (catch-up)
 *   and erases installations, one task at a time.
 * - Two reader connections answer panels in parallel: a page asks six at
 *   once, and each reader takes about half the work (see below). DuckDB's MVCC gives each
 *   query the rollups as last committed.
 *
 * Before answering, a read waits for a catch-up of the batches stored since
 * the last one, unless a catch-up started less than `lagMs` ago: an answer
 * covers every batch committed before the request, or at worst misses the
 * last `lagMs`. On a large store a catch-up costs a second or so whatever it
 * folds (it scans each presence table once), so a busy public dashboard should
 * not pay for one on every page view.
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type {
  AdoptionAggregate,
  AuthAggregate,
  BreakdownsAggregate,
  DashboardQuery,
  DashboardQueryOptions,
  DashboardStore,
  ErrorsAggregate,
  InstallationsAggregate,
  RequestsAggregate,
} from "../../dashboard-types.js";
import { Serial } from "../../serial.js";
import {
  isFiltered,
  type Label,
  type Multi,
  type PanelContext,
  readLabels,
  readMulti,
  readNewestInit,
} from "./dashboard-sql.js";
import { queryAdoption } from "./query-adoption.js";
import { queryAuth } from "./query-auth.js";
import { queryBreakdowns } from "./query-breakdowns.js";
import { queryErrors } from "./query-errors.js";
import { queryInstallations } from "./query-installations.js";
import { buildPopulation, countActive } from "./query-population.js";
import { queryRequests } from "./query-requests.js";
import { catchUp } from "./rollup-catch-up.js";
import { eraseFromRollups } from "./rollup-erase.js";
import { migrateRollups } from "./rollup-schema.js";

export interface DuckDBDashboardOptions {
  instance: DuckDBInstance;
  /** Skip the catch-up before a read when the last one started less than this long ago. @default 0 */
  lagMs?: number;
  /** Connections answering panels: 2 splits a page's panels between them, 1 answers them in turn. @default 2 */
  readers?: number;
  /** @default Date.now */
  now?: () => number;
}

interface Lookups {
  labels: Map<number, Label>;
  multi: Multi;
  newestInit: number | null;
}

interface Reader {
  connection: DuckDBConnection;
  serial: Serial;
  /** Which query (and rollup state) the reader's dash_pop temp table holds. */
  population: string | undefined;
}

export class DuckDBDashboard implements DashboardStore {
  readonly #maintenance: DuckDBConnection;
  readonly #maintaining = new Serial();
  readonly #readers: Reader[];
  readonly #lagMs: number;
  readonly #now: () => number;
  #watermark: number;
  #lastCatchUp = Number.NEGATIVE_INFINITY;
  /** The highest batch number the store reported committed; unknown (Infinity) until the first catch-up. */
  #committed = Number.POSITIVE_INFINITY;
  #catchingUp: Promise<void> | undefined;
  /** Bumped whenever the rollups change, so a reader's population is rebuilt. */
  #epoch = 0;
  /** Reads wait for a running erasure. */
  #barrier: Promise<void> = Promise.resolve();
  /** Labels, multi-member installations and the newest init, read once per rollup state (epoch), by one reader. */
  #lookups: { epoch: number; read: Promise<Lookups> } | undefined;
  /** False after an erasure: deleted labels' ids can be given again, so the labels are read whole. */
  #labelsValid = false;
  /** Active installations per query and rollup state: every panel of a page asks the same. */
  readonly #active = new Map<string, number>();

  private constructor(parts: {
    maintenance: DuckDBConnection;
    readers: DuckDBConnection[];
    watermark: number;
    options: DuckDBDashboardOptions;
  }) {
    this.#maintenance = parts.maintenance;
    this.#readers = parts.readers.map((connection) => ({
      connection,
      serial: new Serial(),
      population: undefined,
    }));
    this.#watermark = parts.watermark;
    this.#lagMs = parts.options.lagMs ?? 0;
    this.#now = parts.options.now ?? Date.now;
  }

  static async open(options: DuckDBDashboardOptions): Promise<DuckDBDashboard> {
    const connections: DuckDBConnection[] = [];
    try {
      const maintenance = await options.instance.connect();
      connections.push(maintenance);
      const watermark = await migrateRollups(maintenance);
      for (let i = 0; i < Math.max(1, options.readers ?? 2); i++) connections.push(await options.instance.connect());
      return new DuckDBDashboard({ maintenance, readers: connections.slice(1), watermark, options });
    } catch (error) {
      for (const connection of connections) connection.closeSync();
      throw error;
    }
  }

  /** The last batch the rollups include. */
  get watermark(): number {
    return this.#watermark;
  }

  /** The store committed batches up to this number: the next read has something to fold. */
  noteCommitted(batch: number): void {
    this.#committed = this.#committed === Number.POSITIVE_INFINITY ? batch : Math.max(this.#committed, batch);
  }

  /** Folds every stored batch into the rollups now, whatever the lag, and forgets cached populations. */
  async refresh(): Promise<void> {
    await this.#maintaining.run(() => this.#catchUp());
    this.#epoch++;
  }

  // A page asks all six at once. The three that read the population (or nothing shared) go to the
  // first reader, which then builds dash_pop once; the three that read the sum and presence tables
  // go to the second: about half the work each, unfiltered. Filtered, the requests panel reads the
  // per-segment request sums (the largest table by far) and costs as much as the other five: it
  // gets the second reader to itself.

  dashboardInstallations(query: DashboardQuery): Promise<InstallationsAggregate> {
    return this.#read(0, async (r) => queryInstallations(await this.#context(r, query, { active: false }), query));
  }

  dashboardBreakdowns(query: DashboardQuery): Promise<BreakdownsAggregate> {
    return this.#read(0, async (r) => {
      await this.#populate(r, query);
      return queryBreakdowns(await this.#context(r, query, { active: false }), query);
    });
  }

  dashboardAdoption(query: DashboardQuery): Promise<AdoptionAggregate> {
    return this.#read(0, async (r) => {
      await this.#populate(r, query);
      return queryAdoption(r.connection);
    });
  }

  dashboardErrors(query: DashboardQuery, options: DashboardQueryOptions = {}): Promise<ErrorsAggregate> {
    return this.#read(isFiltered(query.filter) ? 0 : 1, async (r) =>
      queryErrors(await this.#context(r, query), query, options),
    );
  }

  dashboardRequests(query: DashboardQuery): Promise<RequestsAggregate> {
    return this.#read(1, async (r) => queryRequests(await this.#context(r, query), query));
  }

  dashboardAuth(query: DashboardQuery): Promise<AuthAggregate> {
    return this.#read(isFiltered(query.filter) ? 0 : 1, async (r) => queryAuth(await this.#context(r, query), query));
  }

  /**
   * Erases an installation from the rollups and, through `deleteEvents`, from
   * the events, as one change (see rollup-erase.ts). Reads wait for it.
   */
  erase<T>(installationId: string, deleteEvents: () => Promise<T>): Promise<T> {
    const previous = this.#barrier;
    const erased = (async () => {
      await previous;
      await Promise.all(this.#readers.map((r) => r.serial.idle()));
      return this.#maintaining.run(async () => {
        await this.#catchUp();
        try {
          return await eraseFromRollups({
            connection: this.#maintenance,
            installationId,
            watermark: this.#watermark,
            deleteEvents,
          });
        } finally {
          this.#epoch++;
          this.#labelsValid = false;
        }
      });
    })();
    this.#barrier = erased.then(
      () => {},
      () => {},
    );
    return erased;
  }

  async close(): Promise<void> {
    await this.#barrier;
    await Promise.all(this.#readers.map((r) => r.serial.idle()));
    await this.#maintaining.idle();
    for (const r of this.#readers) r.connection.closeSync();
    this.#maintenance.closeSync();
  }

  /** Runs a panel on its preferred reader (see above), after catching up unless within the lag. */
  async #read<T>(preferred: number, task: (reader: Reader) => Promise<T>): Promise<T> {
    await this.#barrier;
    // nothing committed since the last catch-up: no query needed to know it
    if (this.#committed > this.#watermark && this.#now() - this.#lastCatchUp >= this.#lagMs) {
      // concurrent reads share one catch-up
      this.#catchingUp ??= this.#maintaining
        .run(() => this.#catchUp())
        .finally(() => {
          this.#catchingUp = undefined;
        });
      await this.#catchingUp;
    }
    const reader = this.#readers[preferred % this.#readers.length]!;
    return reader.serial.run(() => task(reader));
  }

  async #catchUp(): Promise<void> {
    this.#lastCatchUp = this.#now();
    const watermark = await catchUp({ connection: this.#maintenance, watermark: this.#watermark });
    if (watermark !== this.#watermark) this.#epoch++;
    this.#watermark = watermark;
    // the first catch-up learns where the store stands; later ones keep what inserts reported meanwhile
    if (this.#committed === Number.POSITIVE_INFINITY) this.#committed = watermark;
  }

  /** Builds the reader's dash_pop for the query unless it already holds it for the current rollups. */
  async #populate(reader: Reader, query: DashboardQuery): Promise<void> {
    const key = `${this.#epoch}:${JSON.stringify(query)}`;
    if (reader.population === key) return;
    reader.population = undefined;
    await buildPopulation(reader.connection, query, await this.#lookupsFor(reader));
    reader.population = key;
  }

  /** The lookups of the current rollup state: the first reader to need them reads them, the other waits. */
  #lookupsFor(reader: Reader): Promise<Lookups> {
    const epoch = this.#epoch;
    if (this.#lookups?.epoch === epoch) return this.#lookups.read;
    const previous = this.#lookups?.read;
    const read = (async () => {
      // labels only grow between erasures: complete the previous state's
      const known = this.#labelsValid ? (await previous?.catch(() => undefined))?.labels : undefined;
      const labels = await readLabels(reader.connection, known);
      const multi = await readMulti(reader.connection);
      const newestInit = await readNewestInit(reader.connection);
      this.#labelsValid = true;
      this.#active.clear();
      return { labels, multi, newestInit };
    })();
    this.#lookups = { epoch, read };
    read.catch(() => {
      if (this.#lookups?.read === read) this.#lookups = undefined;
    });
    return read;
  }

  /** What a panel query needs besides its query: the lookups, and the population's size unless it does without. */
  async #context(reader: Reader, query: DashboardQuery, options = { active: true }): Promise<PanelContext> {
    const epoch = this.#epoch;
    const lookups = await this.#lookupsFor(reader);
    let active = 0;
    if (options.active) {
      const key = `${epoch}:${JSON.stringify(query)}`;
      active = this.#active.get(key) ?? (await countActive(reader.connection, query, lookups.multi));
      if (this.#active.size > 64) this.#active.clear();
      this.#active.set(key, active);
    }
    return { connection: reader.connection, active, labels: lookups.labels, multi: lookups.multi };
  }
}
