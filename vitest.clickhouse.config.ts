import { configDefaults, defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// The ClickHouse store's suites (store parity, replicas), on chdb: `npm run test:clickhouse`
// installs chdb into .cache/chdb first. The default `npm test` excludes these files, so a
// plain checkout never needs the 540 MB engine. Spread, not mergeConfig: that would append
// to the base reporters and overwrite `npm test`'s report.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["packages/collector/test/clickhouse/**/*.test.ts"],
    exclude: configDefaults.exclude,
    // each file holds one chdb engine (~300 MB); two at once is what this 2-core machine affords
    maxWorkers: 2,
    testTimeout: 120_000,
    reporters: ["default", ["json", { outputFile: ".test-results/vitest-clickhouse.json" }]],
  },
});
