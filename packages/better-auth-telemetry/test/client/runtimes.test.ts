/**
 * The client on the runtimes Better Auth runs on: the entry bundles for a
 * neutral platform with no `node:` import, then the same bundle loads, reports
 * the right runtime and delivers to a real endpoint in Node, Bun, Deno and
 * Cloudflare's workerd (through miniflare), its larger batch gzipped by the
 * runtime's own compression.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sink, startSink } from "../support/sink.js";

const exec = promisify(execFile);
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../../../../node_modules/.bin/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "bat-runtimes-"));
const bundlePath = join(dir, "client.bundle.mjs");

const bundle = (entry: string, outfile: string) =>
  build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["source"],
    mainFields: ["module", "main"],
    logLevel: "silent",
  });

let sink: Sink;
beforeAll(async () => {
  sink = await startSink();
  await bundle(here("../../src/client/index.ts"), bundlePath);
  copyFileSync(here("./fixtures/runner.mjs"), join(dir, "runner.mjs"));
}, 60_000);
afterAll(() => sink.close());

/** The requests a given run made, found by the runtime its batches reported. */
const requestsFrom = (runtime: string) => sink.requests.filter((r) => r.batch?.context.runtime === runtime);
const batchesFrom = (runtime: string) => requestsFrom(runtime).map((r) => r.batch!);

/** Every event the fixture recorded arrived, and the large batch went gzipped (node:zlib on Node, CompressionStream elsewhere). */
function expectDelivered(runtime: string) {
  const batches = batchesFrom(runtime);
  const events = batches.flatMap((b) => b.events);
  expect([...new Set(events.map((e) => e.type))].sort()).toEqual(["api_request", "auth_success", "init"]);
  expect(events.filter((e) => e.type === "api_request")).toHaveLength(41);
  const gzipped = requestsFrom(runtime).filter((r) => r.headers["content-encoding"] === "gzip");
  expect(gzipped.length).toBeGreaterThanOrEqual(1);
  for (const r of gzipped) expect(r.raw.length).toBeLessThan(r.text.length / 2);
  return batches[0]!;
}

describe("the client entry", () => {
  it("bundles for a neutral platform without importing any node: module", () => {
    const code = readFileSync(bundlePath, "utf8");
    expect(code).not.toMatch(/(from\s*|import\s*\(\s*|require\s*\(\s*)["']node:/);
    expect(code).not.toMatch(/(from\s*|import\s*\(\s*|require\s*\(\s*)["'](fs|http|https|zlib|os|path|crypto)["']/);
    expect(code).not.toContain("better-auth/");
  });
});

describe.each([
  ["node", () => exec(process.execPath, [join(dir, "runner.mjs"), sink.url])],
  ["bun", () => exec(bin("bun"), [join(dir, "runner.mjs"), sink.url])],
  [
    "deno",
    () =>
      exec(
        bin("deno"),
        [
          "run",
          "--allow-net=127.0.0.1",
          "--allow-env",
          "--allow-read",
          "--no-prompt",
          join(dir, "runner.mjs"),
          sink.url,
        ],
        { env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" } },
      ),
  ],
])("in %s", (runtime, run) => {
  it("loads, reports its runtime and version, and delivers", async () => {
    const { stdout } = await run();
    expect(JSON.parse(stdout.trim())).toMatchObject({ enabled: true });
    const batch = expectDelivered(runtime);
    expect(batch.context.runtimeVersion).toMatch(/^\d+\.\d+\.\d+/);
  }, 60_000);
});

describe("in workerd", () => {
  it("loads, reports workerd, and delivers through waitUntil", async () => {
    const workerPath = join(dir, "worker.mjs");
    await bundle(here("./fixtures/worker.ts"), workerPath);
    const mf = new Miniflare({
      modules: true,
      // the script's text, not its path: workerd refuses module paths outside its working directory
      script: readFileSync(workerPath, "utf8"),
      compatibilityDate: "2025-01-01",
      bindings: { ENDPOINT: sink.url },
    });
    try {
      const response = await mf.dispatchFetch("http://worker.test/");
      expect(await response.json()).toMatchObject({ enabled: true });
      await sink.waitFor(() => batchesFrom("workerd").flatMap((b) => b.events).length >= 43);
      const batch = expectDelivered("workerd");
      expect(batch.context.platform).toBeUndefined();
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});
