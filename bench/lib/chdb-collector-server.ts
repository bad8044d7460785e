/**
 * A collector on the ClickHouse store over chdb, as its own process, for
 * bench/clickhouse-ingest.ts: the CLI's `--clickhouse` takes a server URL, and
 * chdb is no server but a library. Same startCollector as the CLI, rate limits
 * off (the load generator is one IP), logs at warn; prints the URL like the
 * CLI; SIGTERM drains, commits and closes, then exits 0.
 *
 * Run: node --import tsx --conditions=source bench/lib/chdb-collector-server.ts <chdb directory>
 */
import { startCollector } from "../../packages/collector/src/server.js";
import { ClickHouseEventStore } from "../../packages/collector/src/store/clickhouse/clickhouse-store.js";
import { chdbClient } from "./chdb.js";

const path = process.argv[2];
if (!path) throw new Error("usage: chdb-collector-server.ts <chdb directory>");
const store = await ClickHouseEventStore.open({ client: chdbClient(path), database: "bench" });
const collector = await startCollector({
  host: "127.0.0.1",
  port: 0,
  logLevel: "warn",
  store,
  limits: { perIp: { perSecond: 0, burst: 0 }, perInstallation: { perSecond: 0, burst: 0 } },
});
process.once("SIGTERM", () => {
  collector.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
});
// printed after the handler is in: the harness may signal as soon as it reads the URL
process.stdout.write(`better-auth-telemetry-collector listening on ${collector.url} (ClickHouse: chdb ${path})\n`);
