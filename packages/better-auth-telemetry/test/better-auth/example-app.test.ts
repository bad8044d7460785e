/**
 * The example application end to end: Better Auth 1.7 through the
 * `betterAuth` wrapper, a SQLite file, a Hono server on 127.0.0.1, and a real
 * HTTP sink in place of the collector. Every request is a real HTTP request;
 * the test asserts the exact events that arrive, and that nothing personal or
 * secret is in any byte the client sent.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAuthMiddleware } from "better-auth/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type RunningApp } from "../../../../examples/hono-app/src/app.js";
import { eventCounts, eventsOf } from "../support/events.js";
import { cookieHeader, get, post, type Reply } from "../support/http.js";
import { type Sink, startSink } from "../support/sink.js";

const SECRET = "e2e-secret-6f1d2c8a9b7e4f30a1c5d7e9f2b4a6c8d0e2f4a6";
const BASE_URL = "http://auth.example.test";
const GITHUB = { clientId: "Iv1.gh-client-id-4242", clientSecret: "gh-client-secret-9f8e7d6c5b4a" };
const ALICE = { email: "alice@example.com", password: "correct horse battery staple", name: "Alice Liddell" };
const IP_A = "203.0.113.7";
const IP_B = "203.0.113.8";
const IP_C = "198.51.100.23";

/** A hook that fails the way application code fails: a plain exception, not an APIError. */
class ProfileSyncError extends Error {}

let sink: Sink;
let app: RunningApp;
let auth: ReturnType<typeof createApp>["auth"];
let dir: string;
const replies: Record<string, Reply> = {};
const secrets: string[] = [];

beforeAll(async () => {
  sink = await startSink();
  dir = mkdtempSync(join(tmpdir(), "bat-example-"));
  const example = createApp({
    baseURL: BASE_URL,
    secret: SECRET,
    databasePath: join(dir, "app.sqlite"),
    github: GITHUB,
    signInRateLimit: { window: 60, max: 3 },
    logger: { level: "error", log: () => {} },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/sign-up/email" && ctx.body?.name === "Crash Test")
          throw new ProfileSyncError("sync failed for crash@example.com");
      }),
    },
    telemetry: {
      enabled: true, // vitest's NODE_ENV=test would switch it off otherwise
      endpoint: sink.url,
      flushIntervalMs: 60_000,
      installationIdPath: false,
      additionalData: { region: "eu-west-1", environment: "staging" },
    },
  });
  auth = example.auth;
  app = await example.listen();
  const api = `${app.url}/api/auth`;

  replies.signUp = await post(`${api}/sign-up/email`, ALICE, { ip: IP_A });
  replies.duplicate = await post(`${api}/sign-up/email`, ALICE, { ip: IP_A });
  replies.validation = await post(`${api}/sign-up/email`, { email: 42, password: "x", name: "V" }, { ip: IP_B });
  replies.crash = await post(
    `${api}/sign-up/email`,
    { email: "crash@example.com", password: "crash-password-123", name: "Crash Test" },
    { ip: IP_B },
  );
  replies.signIn = await post(`${api}/sign-in/email`, { email: ALICE.email, password: ALICE.password }, { ip: IP_A });
  replies.badSignIn = await post(
    `${api}/sign-in/email`,
    { email: ALICE.email, password: "wrong-password-1" },
    { ip: IP_A },
  );
  for (let i = 1; i <= 4; i++) {
    replies[`limited${i}`] = await post(
      `${api}/sign-in/email`,
      { email: ALICE.email, password: `guess-${i}` },
      { ip: IP_C },
    );
  }
  replies.ok = await get(`${api}/ok`, { ip: IP_A });
  replies.unknown = await get(`${api}/does-not-exist/xyzzy-4711?email=${encodeURIComponent(ALICE.email)}`, {
    ip: IP_A,
  });
  replies.callback = await get(`${api}/callback/github?code=oauth-code-1234&state=forged-state-5678`, { ip: IP_A });

  // direct server-side calls
  const cookie = cookieHeader(replies.signIn.cookies);
  const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
  expect(session?.user.email).toBe(ALICE.email);
  const direct = await auth.api
    .signInEmail({ body: { email: ALICE.email, password: "wrong-password-2" } })
    .catch((e: unknown) => e);
  expect((direct as { statusCode?: number }).statusCode).toBe(401);

  const signUp = replies.signUp.json<{ token: string; user: { id: string } }>();
  const signIn = replies.signIn.json<{ token: string }>();
  secrets.push(signUp.token, signUp.user.id, signIn.token);
  for (const c of [...replies.signUp.cookies, ...replies.signIn.cookies]) secrets.push(c.split(";")[0]!.split("=")[1]!);

  await auth.$telemetry.flush();
});

afterAll(async () => {
  await app?.close();
  await sink?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the example app, through the betterAuth wrapper", () => {
  it("answers every request as Better Auth does", () => {
    const statuses = Object.fromEntries(Object.entries(replies).map(([k, r]) => [k, r.status]));
    expect(statuses).toEqual({
      signUp: 200,
      duplicate: 422,
      validation: 400,
      crash: 500,
      signIn: 200,
      badSignIn: 401,
      limited1: 401,
      limited2: 401,
      limited3: 401,
      limited4: 429,
      ok: 200,
      unknown: 404,
      callback: 302,
    });
    expect(new URL(replies.callback!.headers.get("location")!).searchParams.get("error")).toBe("state_mismatch");
  });

  it("sends exactly the events the traffic implies", () => {
    expect(eventCounts(sink)).toEqual({
      init: 1,
      // every request through auth.handler, including the rate-limited one and the unknown route
      "api_request handler POST /sign-up/email 200": 1,
      "api_request handler POST /sign-up/email 422": 1,
      "api_request handler POST /sign-up/email 400": 1,
      "api_request handler POST /sign-up/email 500": 1,
      "api_request handler POST /sign-in/email 200": 1,
      "api_request handler POST /sign-in/email 401": 4,
      "api_request handler POST /sign-in/email 429": 1,
      "api_request handler GET /ok 200": 1,
      "api_request handler GET * 404": 1,
      "api_request handler GET /callback/:id 302": 1,
      // direct auth.api calls, marked as such and not counted twice
      "api_request api GET /get-session 200": 1,
      "api_request api POST /sign-in/email 401": 1,
      // APIError codes with their status; the hook's exception by class name only
      "error APIError USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL 422 /sign-up/email": 1,
      "error APIError VALIDATION_ERROR 400 /sign-up/email": 1,
      "error ProfileSyncError - 500 /sign-up/email": 1,
      "error APIError INVALID_EMAIL_OR_PASSWORD 401 /sign-in/email": 5,
      "auth_success email sign-up -": 1,
      "auth_success email sign-in -": 1,
      "auth_failure email sign-up - USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL": 1,
      "auth_failure email sign-up - VALIDATION_ERROR": 1,
      "auth_failure email sign-up - INTERNAL_SERVER_ERROR": 1,
      "auth_failure email sign-in - INVALID_EMAIL_OR_PASSWORD": 5,
      "auth_failure social - github STATE_MISMATCH": 1,
    });
  });

  it("describes the configuration in init with booleans, counts and small enums", () => {
    const [init] = eventsOf(sink, "init");
    expect(init).toMatchObject({
      betterAuthVersion: "1.7.25",
      database: { kind: "sqlite", adapter: "kysely" },
      plugins: [],
      customPluginCount: 0,
      socialProviders: ["github"],
      features: {
        emailAndPassword: true,
        requireEmailVerification: false,
        autoSignIn: true,
        minPasswordLength: 8,
        socialProviderCount: 1,
        rateLimit: true,
        rateLimitStorage: "memory",
        rateLimitCustomRules: 2,
        hooks: true,
        secondaryStorage: false,
        accountLinking: true,
      },
    });
  });

  it("carries additionalData and the runtime in the envelope", () => {
    const [batch] = sink.batches();
    expect(batch!.additionalData).toEqual({ region: "eu-west-1", environment: "staging" });
    expect(batch!.context).toMatchObject({ runtime: "node", framework: "hono" });
  });

  it("sends no email, password, secret, host, IP address, cookie, token or id", () => {
    const everything = sink.allText();
    const bodies = sink.requests.map((r) => r.text).join("\n");
    const needles = [
      ALICE.email,
      "crash@example.com",
      "example.com",
      "@",
      ALICE.password,
      "wrong-password",
      "crash-password",
      "guess-",
      ALICE.name,
      "Alice",
      SECRET,
      "auth.example.test",
      GITHUB.clientId,
      GITHUB.clientSecret,
      IP_A,
      IP_B,
      IP_C,
      "oauth-code-1234",
      "forged-state",
      "xyzzy",
      "better-auth.session_token",
      "sync failed",
      ...secrets,
    ];
    for (const needle of needles) expect(everything, needle).not.toContain(needle);
    // the sink's own address is in the request line and Host header; it must not be inside any payload
    for (const needle of ["127.0.0.1", `:${app.port}`]) expect(bodies, needle).not.toContain(needle);
  });
});
