#!/usr/bin/env node
// Installs chdb (the ClickHouse engine embedded in Node, ~540 MB) into .cache/chdb
// only when it is missing, so the default `npm install` never downloads it (issue 6).
// The ClickHouse parity suite resolves chdb from this folder; see
// packages/collector/test/parity/support/chdb.ts.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CHDB_VERSION = "3.4.0";
const CLIENT_VERSION = "1.23.1";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const prefix = join(root, ".cache", "chdb");
const installed = join(prefix, "node_modules", "chdb", "package.json");

function installedVersion() {
  if (!existsSync(installed)) return undefined;
  return JSON.parse(readFileSync(installed, "utf8")).version;
}

if (installedVersion() === CHDB_VERSION) {
  process.exit(0);
}

mkdirSync(prefix, { recursive: true });
// a package.json of its own stops npm from walking up and treating the monorepo
// root as the project (which would touch the root lock file)
writeFileSync(join(prefix, "package.json"), `${JSON.stringify({ name: "chdb-cache", private: true }, null, 2)}\n`);
console.log(`installing chdb@${CHDB_VERSION} into ${prefix} (about 540 MB, first run only)`);
const started = Date.now();
const result = spawnSync(
  "npm",
  [
    "install",
    "--no-save",
    "--no-audit",
    "--no-fund",
    "--prefix",
    prefix,
    `chdb@${CHDB_VERSION}`,
    `@clickhouse/client@${CLIENT_VERSION}`,
  ],
  { stdio: "inherit" },
);
if (result.status !== 0 || installedVersion() !== CHDB_VERSION) {
  console.error(`could not install chdb@${CHDB_VERSION} (npm exited ${result.status})`);
  process.exit(1);
}
console.log(`chdb installed in ${Math.round((Date.now() - started) / 1000)} s`);
