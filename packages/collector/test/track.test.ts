/** POST /v1/track: Better Auth's own telemetry, from a captured body and from a live Better Auth app. */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, startTestCollector, type TestCollector } from "./support/collector.js";
import { post, request } from "./support/http.js";

const fixture = JSON.parse(readFileSync(new URL("./fixtures/better-auth-init.json", import.meta.url), "utf8"));

/** Names from the app's config (see fixtures/better-auth-app.ts) and its machine, which must not be stored. */
const NEVER_STORED = ["acme", "Acme", "AMD EPYC", "gh-client", "kysely_migration", fixture.anonymousId as string];

/** Every value in every table of the file, as one string. */
async function dumpDatabase(collector: TestCollector): Promise<string> {
  await collector.close();
  const instance = await DuckDBInstance.create(collector.dbPath);
  const connection = await instance.connect();
  let dump = "";
  for (const table of ["events", "batches"]) {
    dump += JSON.stringify((await connection.runAndReadAll(`SELECT * FROM ${table}`)).getRowsJson());
  }
  connection.closeSync();
  instance.closeSync();
  return dump;
}

describe("POST /v1/track", () => {
  let collector: TestCollector;
  beforeEach(async () => {
    collector = await startTestCollector();
  });
  afterEach(() => collector.dispose());

  it("stores Better Auth's init as an init event, through the allow-list", async () => {
    const reply = await post(`${collector.url}/v1/track`, fixture);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ accepted: 1, duplicates: 0, dropped: 0 });
    const [event] = (await request(`${collector.url}/v1/events`)).json.events;
    expect(event).toMatchObject({
      type: "init",
      count: 1,
      source: "better-auth",
      idKind: "persistent",
      sdkVersion: null,
      context: { runtime: "node", platform: "linux", arch: "x64", framework: "hono", environment: "production" },
      props: {
        database: { kind: "sqlite", adapter: "kysely" },
        plugins: ["admin", "organization", "two-factor"],
        customPluginCount: 1,
      },
    });
    expect(event.installationId).toMatch(/^[0-9a-f-]{36}$/);
    const dump = await dumpDatabase(collector);
    for (const name of NEVER_STORED) expect(dump).not.toContain(name);
  });

  it("maps the same anonymousId to the same installation", async () => {
    await post(`${collector.url}/v1/track`, fixture);
    await post(`${collector.url}/v1/track`, fixture);
    const events = (await request(`${collector.url}/v1/events`)).json.events;
    expect(events).toHaveLength(2);
    expect(events[0].installationId).toBe(events[1].installationId);
    expect((await request(`${collector.url}/v1/stats/overview`)).json).toMatchObject({
      installations: 1,
      events: { init: 2 },
    });
  });

  it("drops event types it cannot map, and refuses malformed bodies with 422", async () => {
    const other = await post(`${collector.url}/v1/track`, {
      type: "user_signed_up",
      anonymousId: fixture.anonymousId,
      payload: {},
    });
    expect(other.json).toEqual({ accepted: 0, duplicates: 0, dropped: 1 });
    const badId = await post(`${collector.url}/v1/track`, {
      type: "init",
      anonymousId: "jane@example.com",
      payload: {},
    });
    expect(badId.status).toBe(422);
    expect(badId.json.error).toMatchObject({ code: "invalid_batch", path: "anonymousId" });
    const noType = await post(`${collector.url}/v1/track`, { anonymousId: fixture.anonymousId });
    expect(noType.status).toBe(422);
    expect(noType.json.error.path).toBe("type");
    const noEnvironment = await post(`${collector.url}/v1/track`, {
      ...fixture,
      payload: { runtime: { name: "node" } },
    });
    expect(noEnvironment.status).toBe(422);
    expect((await request(`${collector.url}/v1/events`)).json.events).toEqual([]);
  });

  it("receives what a live Better Auth app sends with BETTER_AUTH_TELEMETRY=1", async () => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      BETTER_AUTH_TELEMETRY: "1",
      BETTER_AUTH_TELEMETRY_ENDPOINT: `${collector.url}/v1/track`,
      // Better Auth keeps its telemetry off under a test runner
      NODE_ENV: "production",
      LINGER_MS: "200",
    };
    delete env.TEST;
    delete env.VITEST;
    delete env.BETTER_AUTH_TELEMETRY_DEBUG;
    const child = spawn(process.execPath, ["--import", "tsx", "packages/collector/test/fixtures/better-auth-app.ts"], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c));
    child.stderr.on("data", (c: Buffer) => (output += c));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code, output).toBe(0);
    const events = (await request(`${collector.url}/v1/events`)).json.events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "init",
      source: "better-auth",
      context: { runtime: "node", environment: "production" },
      props: {
        database: { kind: "sqlite", adapter: "kysely" },
        plugins: ["admin", "organization", "two-factor"],
        customPluginCount: 1,
        socialProviders: ["github"],
        features: {
          emailAndPassword: true,
          requireEmailVerification: true,
          userAdditionalFields: 2,
          trustedOriginCount: 2,
        },
      },
    });
    const dump = await dumpDatabase(collector);
    for (const name of NEVER_STORED) expect(dump).not.toContain(name);
  });
});
