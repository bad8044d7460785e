/**
 * npm run demo: a collector on the embedded store, three installations of the
 * example app (each its own Better Auth instance, database, installation id and
 * additionalData) reporting to it, and realistic traffic through all three. The
 * dashboard fills in while it runs; Ctrl-C stops everything cleanly.
 *
 * Options: --duration <seconds> of traffic (default 60), --port <collector port>
 * (default 8787), --exit to stop once the traffic is done instead of waiting for Ctrl-C.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startCollector } from "better-auth-telemetry-collector";
import { createApp, type RunningApp } from "../app.js";
import { drive, emptyTally, type Tally } from "./traffic.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const durationMs = Number(arg("duration") ?? 60) * 1000;
const dataDir = join(process.cwd(), "data", "demo");

const INSTALLATIONS = [
  { name: "shop", additionalData: { region: "eu-west-1", environment: "production", plan: "pro" } },
  { name: "blog", additionalData: { region: "us-east-1", environment: "production", plan: "free" } },
  { name: "admin", additionalData: { region: "us-east-1", environment: "staging", plan: "free" } },
];

// a fresh demo each time: the stored events should be this run's, so the numbers can be checked
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });

const collector = await startCollector({
  port: Number(arg("port") ?? 8787),
  dbPath: join(dataDir, "collector.duckdb"),
  logLevel: "warn",
});
const apps: RunningApp[] = [];
for (const installation of INSTALLATIONS) {
  const app = createApp({
    secret: randomBytes(32).toString("base64url"),
    databasePath: join(dataDir, `${installation.name}.sqlite`),
    github: { clientId: "demo-github-client-id", clientSecret: "demo-github-client-secret" },
    logger: { level: "error", log: () => {} },
    telemetry: {
      enabled: true,
      endpoint: `${collector.url}/v1/events`,
      additionalData: installation.additionalData,
      installationIdPath: join(dataDir, `${installation.name}.installation-id`),
      flushIntervalMs: 2_000,
    },
  });
  apps.push(await app.listen());
}

console.log(`collector   ${collector.url}  (DuckDB file ${join(dataDir, "collector.duckdb")})`);
for (const [i, installation] of INSTALLATIONS.entries()) {
  console.log(
    `app ${installation.name.padEnd(7)} ${apps[i]!.url}  additionalData ${JSON.stringify(installation.additionalData)}`,
  );
}
console.log(`\ndashboard   ${collector.url}/\n`);

let stopping = false;
const stop = async (code = 0) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write("\nstopping: flushing telemetry, closing the apps and the collector…\n");
  await Promise.all(apps.map((a) => a.close()));
  await collector.close();
  process.exit(code);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());

const tallies = INSTALLATIONS.map(() => emptyTally());
const total = (): Tally =>
  tallies.reduce(
    (sum, t) => ({
      requests: sum.requests + t.requests,
      signUps: sum.signUps + t.signUps,
      signInsOk: sum.signInsOk + t.signInsOk,
      signInsFailed: sum.signInsFailed + t.signInsFailed,
      rateLimited: sum.rateLimited + t.rateLimited,
      unexpected: sum.unexpected + t.unexpected,
      unexpectedSamples: [...sum.unexpectedSamples, ...t.unexpectedSamples],
      maxLatencyMs: Math.max(sum.maxLatencyMs, t.maxLatencyMs),
    }),
    emptyTally(),
  );

const started = Date.now();
const progress = setInterval(() => {
  const t = total();
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(
    `\r${seconds}s  requests ${t.requests}  sign-ups ${t.signUps}  sign-ins ok ${t.signInsOk} failed ${t.signInsFailed}  rate-limited ${t.rateLimited}   `,
  );
}, 500);

const deadline = started + durationMs;
await Promise.all(
  INSTALLATIONS.map((installation, i) =>
    drive({
      base: `${apps[i]!.url}/api/auth`,
      installation: installation.name,
      lane: i,
      visits: Number.MAX_SAFE_INTEGER,
      tally: tallies[i],
      stopped: () => stopping || Date.now() > deadline,
    }),
  ),
).catch((error) => {
  // Ctrl-C closes the apps under requests still in flight; only other failures matter
  if (!stopping) throw error;
});
if (stopping) await new Promise(() => {}); // stop() exits the process
clearInterval(progress);
await Promise.all(apps.map((a) => a.close()));
apps.length = 0;
const t = total();
console.log(`\ntraffic done: ${t.requests} requests (${t.unexpected} with an unexpected status), telemetry flushed.`);
if (t.unexpected) console.log(`unexpected: ${t.unexpectedSamples.join("; ")}`);
const stored = await collector.services.store.overview({});
console.log(
  `collector stored: ${stored.installations} installations, ${JSON.stringify(stored.events)} (api_request ${stored.events.api_request === t.requests ? "matches" : "differs from"} the ${t.requests} requests sent)`,
);
console.log(
  `open ${collector.url}/ to read the dashboard${process.argv.includes("--exit") ? "" : "; Ctrl-C stops the collector"}.`,
);
if (process.argv.includes("--exit")) await stop();
