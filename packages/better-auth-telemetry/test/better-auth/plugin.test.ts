/**
 * The plugin form, for apps that keep `betterAuth` from "better-auth": the
 * same events from the inside (hooks, onRequest/onResponse), except requests
 * Better Auth answers before any plugin runs, which only the wrapper sees.
 * And an app that uses the wrapper and lists the plugin as well reports once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { betterAuth as betterAuthWithTelemetry, type Telemetry, telemetry } from "../../src/index.js";
import { eventCounts } from "../support/events.js";
import { get, post } from "../support/http.js";
import { type Served, serveHandler } from "../support/serve.js";
import { type Sink, startSink } from "../support/sink.js";

const SECRET = "plugin-secret-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d";
const USER = { email: "plugin-user@example.com", password: "plugin-password-42", name: "Plug In" };
const dirs: string[] = [];

function database() {
  const dir = mkdtempSync(join(tmpdir(), "bat-plugin-"));
  dirs.push(dir);
  return new Database(join(dir, "auth.sqlite"));
}

function clientOptions(sink: Sink) {
  return { enabled: true, endpoint: sink.url, flushIntervalMs: 60_000, installationIdPath: false as const };
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("telemetry() as a plugin of Better Auth's own betterAuth", () => {
  let sink: Sink;
  let served: Served;
  let auth: ReturnType<typeof createAuth>;

  function createAuth(s: Sink) {
    return betterAuth({
      database: database(),
      baseURL: "http://plugin.example.test",
      secret: SECRET,
      emailAndPassword: { enabled: true },
      socialProviders: { github: { clientId: "plugin-gh-id", clientSecret: "plugin-gh-secret" } },
      rateLimit: { enabled: true, customRules: { "/sign-in/email": { window: 60, max: 2 } } },
      advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"] } },
      logger: { level: "error", log: () => {} },
      plugins: [telemetry(clientOptions(s))],
    });
  }

  beforeAll(async () => {
    sink = await startSink();
    auth = createAuth(sink);
    await (await getMigrations(auth.options)).runMigrations();
    served = await serveHandler(auth.handler);
    const api = `${served.url}/api/auth`;

    expect((await post(`${api}/sign-up/email`, USER, { ip: "203.0.113.50" })).status).toBe(200);
    expect((await post(`${api}/sign-up/email`, USER, { ip: "203.0.113.50" })).status).toBe(422);
    expect((await post(`${api}/sign-in/email`, USER, { ip: "203.0.113.50" })).status).toBe(200);
    expect((await post(`${api}/sign-in/email`, { ...USER, password: "bad-1" }, { ip: "203.0.113.50" })).status).toBe(
      401,
    );
    const burst = [];
    for (let i = 0; i < 3; i++)
      burst.push((await post(`${api}/sign-in/email`, { ...USER, password: "bad-2" }, { ip: "203.0.113.51" })).status);
    expect(burst).toEqual([401, 401, 429]);
    expect((await get(`${api}/no/such/route`)).status).toBe(404);
    expect((await get(`${api}/callback/github?code=c0de&state=st4te`)).status).toBe(302);
    expect(await auth.api.getSession({ headers: new Headers() })).toBeNull();
    await expect(auth.api.signInEmail({ body: { email: USER.email, password: "bad-3" } })).rejects.toMatchObject({
      statusCode: 401,
    });

    const ctx = await auth.$context;
    expectTypeOf(ctx.telemetry).toEqualTypeOf<Telemetry>();
    await ctx.telemetry.flush();
  });

  afterAll(async () => {
    await served?.close();
    await (await auth?.$context)?.telemetry.shutdown();
    await sink?.close();
  });

  it("reports what reaches the plugin stage, and direct calls with source api", () => {
    expect(eventCounts(sink)).toEqual({
      init: 1,
      "api_request handler POST /sign-up/email 200": 1,
      "api_request handler POST /sign-up/email 422": 1,
      "api_request handler POST /sign-in/email 200": 1,
      // the rate-limited request is answered before any plugin runs: only the wrapper counts it
      "api_request handler POST /sign-in/email 401": 3,
      "api_request handler GET * 404": 1,
      "api_request handler GET /callback/:id 302": 1,
      "api_request api GET /get-session 200": 1,
      "api_request api POST /sign-in/email 401": 1,
      "error APIError USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL 422 /sign-up/email": 1,
      "error APIError INVALID_EMAIL_OR_PASSWORD 401 /sign-in/email": 4,
      "auth_success email sign-up -": 1,
      "auth_success email sign-in -": 1,
      "auth_failure email sign-up - USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL": 1,
      "auth_failure email sign-in - INVALID_EMAIL_OR_PASSWORD": 4,
      "auth_failure social - github STATE_MISMATCH": 1,
    });
  });

  it("does not count itself as a plugin in use", () => {
    const init = sink
      .batches()
      .flatMap((b) => b.events)
      .find((e) => e.type === "init");
    expect(init?.props).toMatchObject({ plugins: [], customPluginCount: 0 });
  });

  it("sends nothing personal or secret", () => {
    const everything = sink.allText();
    for (const needle of [
      USER.email,
      USER.password,
      "bad-1",
      SECRET,
      "plugin.example.test",
      "plugin-gh",
      "203.0.113",
      "c0de",
      "st4te",
    ]) {
      expect(everything, needle).not.toContain(needle);
    }
  });
});

describe("the wrapper with telemetry() listed as well", () => {
  it("reports each request once, with the wrapper's reach", async () => {
    const sink = await startSink();
    const auth = betterAuthWithTelemetry({
      database: database(),
      baseURL: "http://both.example.test",
      secret: SECRET,
      emailAndPassword: { enabled: true },
      logger: { level: "error", log: () => {} },
      plugins: [telemetry(clientOptions(sink))],
    });
    await (await getMigrations(auth.options)).runMigrations();
    const served = await serveHandler(auth.handler);
    try {
      expect((await post(`${served.url}/api/auth/sign-up/email`, USER)).status).toBe(200);
      await auth.api.getSession({ headers: new Headers() });
      await auth.$telemetry.flush();
      expect(eventCounts(sink)).toEqual({
        init: 1,
        "api_request handler POST /sign-up/email 200": 1,
        "api_request api GET /get-session 200": 1,
        "auth_success email sign-up -": 1,
      });
    } finally {
      await served.close();
      await auth.$telemetry.shutdown();
      await sink.close();
    }
  });
});
