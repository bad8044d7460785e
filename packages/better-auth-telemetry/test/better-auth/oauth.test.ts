/**
 * Social sign-in completed at the OAuth callback, against a real (if tiny)
 * OAuth 2 provider on 127.0.0.1: Better Auth's generic OAuth plugin runs the
 * whole flow (state, PKCE, code exchange, user info) over real HTTP. A new
 * user's callback is a sign-up, a returning user's a sign-in; a provider's own
 * `?error=` arrives as a failure with its code, unless it is not a code any
 * specification defines. The provider's name, the app's own, never travels.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getMigrations } from "better-auth/db/migration";
import { genericOAuth } from "better-auth/plugins";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { betterAuth } from "../../src/index.js";
import { eventCounts } from "../support/events.js";
import { cookieHeader, get, post } from "../support/http.js";
import { type Served, serveHandler } from "../support/serve.js";
import { type Sink, startSink } from "../support/sink.js";

const PROVIDER = "acme-workforce-sso";
const PROFILE = {
  id: "acme-user-8812",
  email: "oauth.person@acme-corp.example",
  name: "Oauth Person",
  email_verified: true,
};

/** Token and user-info endpoints of an OAuth 2 provider; the authorize step is the browser's, so the test plays it. */
async function startProvider(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://idp").pathname;
      const json = (body: unknown) =>
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (path === "/token")
        return json({ access_token: "acme-access-token-5521", token_type: "Bearer", expires_in: 3600 });
      if (path === "/userinfo") return json(PROFILE);
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("social sign-in at the OAuth callback", () => {
  let sink: Sink;
  let idp: { url: string; server: Server };
  let served: Served;
  let auth: ReturnType<typeof createAuth>;
  let dir: string;
  const statuses: Record<string, number> = {};

  function createAuth() {
    return betterAuth({
      database: new Database(join(dir, "oauth.sqlite")),
      baseURL: "http://oauth-app.example.test",
      secret: "oauth-secret-5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a",
      logger: { level: "error", log: () => {} },
      plugins: [
        genericOAuth({
          config: [
            {
              providerId: PROVIDER,
              clientId: "acme-client-id",
              clientSecret: "acme-client-secret",
              authorizationUrl: `${idp.url}/authorize`,
              tokenUrl: `${idp.url}/token`,
              userInfoUrl: `${idp.url}/userinfo`,
            },
          ],
        }),
      ],
      telemetry: { enabled: true, endpoint: sink.url, flushIntervalMs: 60_000, installationIdPath: false },
    });
  }

  /** Starts a sign-in the way a browser does, and returns the callback URL the provider would redirect to. */
  async function startSignIn(api: string) {
    const start = await post(`${api}/sign-in/social`, { provider: PROVIDER, callbackURL: "/dashboard" });
    expect(start.status).toBe(200);
    const state = new URL(start.json<{ url: string }>().url).searchParams.get("state");
    return { state: state!, cookie: cookieHeader(start.cookies) };
  }

  beforeAll(async () => {
    sink = await startSink();
    idp = await startProvider();
    dir = mkdtempSync(join(tmpdir(), "bat-oauth-"));
    auth = createAuth();
    await (await getMigrations(auth.options)).runMigrations();
    served = await serveHandler(auth.handler);
    const api = `${served.url}/api/auth`;

    for (const round of ["new", "returning"]) {
      const { state, cookie } = await startSignIn(api);
      const callback = await get(`${api}/callback/${PROVIDER}?code=acme-code-${round}&state=${state}`, { cookie });
      statuses[round] = callback.status;
      expect(callback.headers.get("location")).toBe("/dashboard");
    }
    for (const error of ["access_denied", "jane_doe_was_here"]) {
      const { state, cookie } = await startSignIn(api);
      const callback = await get(`${api}/callback/${PROVIDER}?error=${error}&state=${state}`, { cookie });
      statuses[error] = callback.status;
      expect(new URL(callback.headers.get("location")!, "http://x").searchParams.get("error")).toBe(error);
    }
    await auth.$telemetry.flush();
  });

  afterAll(async () => {
    await served?.close();
    await auth?.$telemetry.shutdown();
    await sink?.close();
    idp?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reports a new user's callback as a sign-up, a returning user's as a sign-in, and errors by code", () => {
    expect(statuses).toEqual({ new: 302, returning: 302, access_denied: 302, jane_doe_was_here: 302 });
    expect(eventCounts(sink)).toEqual({
      init: 1,
      "api_request handler POST /sign-in/social 200": 4,
      "api_request handler GET /callback/:id 302": 4,
      "auth_success social sign-up custom": 1,
      "auth_success social sign-in custom": 1,
      "auth_failure social - custom ACCESS_DENIED": 1,
      // a value no specification defines could be anything the sender chose: it travels as UNKNOWN
      "auth_failure social - custom UNKNOWN": 1,
    });
  });

  it("names generic OAuth providers custom, in init as in the events, and sends nothing of the flow", () => {
    const init = sink
      .batches()
      .flatMap((b) => b.events)
      .find((e) => e.type === "init");
    expect(init?.props).toMatchObject({ plugins: ["generic-oauth"], socialProviders: ["custom"] });
    const everything = sink.allText();
    for (const needle of [
      PROVIDER,
      "acme",
      PROFILE.id,
      PROFILE.email,
      "Oauth Person",
      "jane_doe",
      "JANE_DOE",
      "oauth-app.example.test",
      idp.url,
    ]) {
      expect(everything, needle).not.toContain(needle);
    }
  });
});
