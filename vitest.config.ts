import { configDefaults, defineConfig } from "vitest/config";

// Tests import the packages by name; the "source" export condition points them at
// src/, so tests run the TypeScript we edit, not a stale dist/.
export default defineConfig({
  resolve: { conditions: ["source", "import", "default"] },
  ssr: { resolve: { conditions: ["source", "import", "default"], externalConditions: ["source"] } },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "examples/*/test/**/*.test.ts",
      "test/**/*.test.ts",
    ],
    // the ClickHouse suites need chdb (540 MB, installed on demand): `npm run test:clickhouse` runs them
    exclude: [...configDefaults.exclude, "packages/collector/test/clickhouse/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    // the test runners' own variables would switch the client off; tests opt in explicitly
    env: { BETTER_AUTH_TELEMETRY_TEST_SUITE: "1" },
  },
});
