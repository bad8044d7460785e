/**
 * Errors no `after` hook sees, through every door Better Auth has for them: a
 * `before` hook's APIError (read from the response), an exception Better Auth's
 * router swallows (seen through its logger, or the app's onAPIError.onError),
 * `onAPIError.throw`, and a direct `auth.api` call. Each is reported once, by
 * class name and code, never by message.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { getMigrations } from "better-auth/db/migration";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { betterAuth, type TelemetryAuthOptions } from "../../src/index.js";
import { eventCounts } from "../support/events.js";
import { post } from "../support/http.js";
import { type Served, serveHandler } from "../support/serve.js";
import { startSink } from "../support/sink.js";

class LedgerUnavailable extends Error {}

const dirs: string[] = [];
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A hook that rejects sign-ups from the "closed" domain by APIError, and crashes on "crash". */
const hooks = {
  before: createAuthMiddleware(async (ctx) => {
    if (ctx.path !== "/sign-up/email") return;
    const email = String(ctx.body?.email ?? "");
    if (email.endsWith("@closed.example"))
      throw new APIError("FORBIDDEN", { message: `no sign-ups for ${email}`, code: "SIGNUPS_CLOSED" });
    if (email.startsWith("crash")) throw new LedgerUnavailable(`ledger down while creating ${email}`);
  }),
};

async function start(extra: Partial<TelemetryAuthOptions>) {
  const sink = await startSink();
  const dir = mkdtempSync(join(tmpdir(), "bat-errors-"));
  dirs.push(dir);
  const auth = betterAuth({
    database: new Database(join(dir, "auth.sqlite")),
    baseURL: "http://errors.example.test",
    secret: "errors-secret-1f2e3d4c5b6a79881726354453627180",
    emailAndPassword: { enabled: true },
    logger: { level: "error", log: () => {} },
    hooks,
    telemetry: { enabled: true, endpoint: sink.url, flushIntervalMs: 60_000, installationIdPath: false },
    ...extra,
  });
  await (await getMigrations(auth.options)).runMigrations();
  const served: Served = await serveHandler(auth.handler);
  cleanup.push(async () => {
    await served.close();
    await auth.$telemetry.shutdown();
    await sink.close();
  });
  const signUp = (email: string) =>
    post(`${served.url}/api/auth/sign-up/email`, { email, password: "errors-password-1", name: "E" });
  const events = async () => {
    await auth.$telemetry.flush();
    const { init: _, ...rest } = eventCounts(sink);
    return rest;
  };
  return { auth, sink, signUp, events };
}

describe("errors no after hook sees", () => {
  it("reads a before hook's APIError code from the response", async () => {
    const app = await start({});
    expect((await app.signUp("someone@closed.example")).status).toBe(403);
    expect(await app.events()).toEqual({
      "api_request handler POST /sign-up/email 403": 1,
      "error APIError SIGNUPS_CLOSED 403 /sign-up/email": 1,
      "auth_failure email sign-up - SIGNUPS_CLOSED": 1,
    });
    expect(app.sink.allText()).not.toContain("closed.example");
  });

  it("names an exception Better Auth swallows by its class, through Better Auth's logger", async () => {
    const app = await start({});
    expect((await app.signUp("crash-1@example.org")).status).toBe(500);
    expect(await app.events()).toEqual({
      "api_request handler POST /sign-up/email 500": 1,
      "error LedgerUnavailable - 500 /sign-up/email": 1,
      "auth_failure email sign-up - INTERNAL_SERVER_ERROR": 1,
    });
    expect(app.sink.allText()).not.toContain("ledger down");
  });

  it("names it through the app's onAPIError.onError, which still runs", async () => {
    const seen: unknown[] = [];
    const app = await start({ onAPIError: { onError: (error) => void seen.push(error) } });
    expect((await app.signUp("crash-2@example.org")).status).toBe(500);
    expect(seen).toEqual([expect.any(LedgerUnavailable)]);
    expect(await app.events()).toMatchObject({ "error LedgerUnavailable - 500 /sign-up/email": 1 });
  });

  it("still reports a 500 when Better Auth's logging is off, without a class to name", async () => {
    const app = await start({ logger: { disabled: true } });
    expect((await app.signUp("crash-3@example.org")).status).toBe(500);
    expect(await app.events()).toMatchObject({ "error - - 500 /sign-up/email": 1 });
  });

  it("reports an error onAPIError.throw lets out of auth.handler, and lets it out unchanged", async () => {
    const app = await start({ onAPIError: { throw: true } });
    const request = new Request("http://errors.example.test/api/auth/sign-up/email", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "crash-4@example.org", password: "errors-password-1", name: "E" }),
    });
    await expect(app.auth.handler(request)).rejects.toBeInstanceOf(LedgerUnavailable);
    expect(await app.events()).toEqual({
      "api_request handler POST /sign-up/email 500": 1,
      "error LedgerUnavailable - 500 /sign-up/email": 1,
      "auth_failure email sign-up - INTERNAL_SERVER_ERROR": 1,
    });
  });

  it("reports errors of direct auth.api calls once, whichever hook raised them", async () => {
    const app = await start({});
    const body = (email: string) => ({ body: { email, password: "errors-password-1", name: "E" } });
    await expect(app.auth.api.signUpEmail(body("crash-5@example.org"))).rejects.toBeInstanceOf(LedgerUnavailable);
    await expect(app.auth.api.signUpEmail(body("x@closed.example"))).rejects.toMatchObject({ statusCode: 403 });
    await expect(app.auth.api.signUpEmail(body("not-an-email"))).rejects.toMatchObject({ statusCode: 400 });
    expect(await app.events()).toEqual({
      "api_request api POST /sign-up/email 500": 1,
      "api_request api POST /sign-up/email 403": 1,
      "api_request api POST /sign-up/email 400": 1,
      "error LedgerUnavailable - 500 /sign-up/email": 1,
      "error APIError SIGNUPS_CLOSED 403 /sign-up/email": 1,
      "error APIError VALIDATION_ERROR 400 /sign-up/email": 1,
      "auth_failure email sign-up - INTERNAL_SERVER_ERROR": 1,
      "auth_failure email sign-up - SIGNUPS_CLOSED": 1,
      "auth_failure email sign-up - VALIDATION_ERROR": 1,
    });
  });
});
