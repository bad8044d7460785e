/**
 * chdb (the ClickHouse engine embedded in Node) for the ClickHouse benchmarks,
 * loaded from .cache/chdb: it is no dependency of any package (about 540 MB);
 * `node scripts/ensure-chdb.mjs` installs it there (npm run test:clickhouse does too).
 * One data directory per process: chdb locks it.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ClickHouseClient, type ClickHouseClientConfigOptions, createClient } from "@clickhouse/client";

const CACHE = fileURLToPath(new URL("../../.cache/chdb/", import.meta.url));

export function chdbClient(path: string): ClickHouseClient {
  if (!existsSync(join(CACHE, "node_modules", "chdb", "package.json"))) {
    throw new Error("chdb is not installed: run `node scripts/ensure-chdb.mjs` first");
  }
  const require = createRequire(join(CACHE, "package.json"));
  const { createChdbConnection } = require("chdb/connection") as {
    createChdbConnection(options: { path: string }): ClickHouseClientConfigOptions["connection"];
  };
  return createClient({ connection: createChdbConnection({ path }) });
}
