/**
 * Sign-ins through Better Auth's plugins, recognised generically by whether a
 * session was created: username, anonymous, magic link (success and its error
 * redirect), two-factor (the password step creates no session yet; the second
 * factor does), and an app's own plugin (method `other`, route `/:custom`:
 * its path and id are the app's words, never sent).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BetterAuthPlugin } from "better-auth";
import { createAuthEndpoint } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { getMigrations } from "better-auth/db/migration";
import { anonymous, magicLink, twoFactor, username } from "better-auth/plugins";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { betterAuth } from "../../src/index.js";
import { eventCounts } from "../support/events.js";
import { cookieHeader, get, post } from "../support/http.js";
import { type Served, serveHandler } from "../support/serve.js";
import { type Sink, startSink } from "../support/sink.js";

const PASSWORD = "plugins-password-77";

/** An app's own sign-in: a kiosk badge that signs its holder in. Its id and path are the app's words. */
const kioskBadge = {
  id: "acme-kiosk-badge",
  endpoints: {
    badgeSignIn: createAuthEndpoint("/acme-kiosk/badge-sign-in", { method: "POST" }, async (ctx) => {
      const found = await ctx.context.internalAdapter.findUserByEmail("badge.holder@example.com");
      if (!found) throw ctx.error("NOT_FOUND", { message: "no badge holder" });
      const session = await ctx.context.internalAdapter.createSession(found.user.id);
      await setSessionCookie(ctx, { session, user: found.user });
      return ctx.json({ ok: true });
    }),
  },
} satisfies BetterAuthPlugin;

describe("plugin sign-ins", () => {
  let sink: Sink;
  let served: Served;
  let auth: ReturnType<typeof createAuth>;
  let dir: string;
  const links: string[] = [];
  const statuses: Record<string, number> = {};

  function createAuth() {
    return betterAuth({
      database: new Database(join(dir, "plugins.sqlite")),
      baseURL: "http://plugins.example.test",
      secret: "plugins-secret-8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
      emailAndPassword: { enabled: true },
      logger: { level: "error", log: () => {} },
      plugins: [
        username(),
        anonymous(),
        magicLink({ sendMagicLink: async ({ url }) => void links.push(url) }),
        twoFactor({ skipVerificationOnEnable: true }),
        kioskBadge,
      ],
      telemetry: { enabled: true, endpoint: sink.url, flushIntervalMs: 60_000, installationIdPath: false },
    });
  }

  beforeAll(async () => {
    sink = await startSink();
    dir = mkdtempSync(join(tmpdir(), "bat-plugins-"));
    auth = createAuth();
    await (await getMigrations(auth.options)).runMigrations();
    served = await serveHandler(auth.handler);
    const api = `${served.url}/api/auth`;
    const user = (email: string, extra = {}) => ({ email, password: PASSWORD, name: "P", ...extra });

    // username
    await post(`${api}/sign-up/email`, user("named@example.com", { username: "named_person" }));
    statuses.username = (
      await post(`${api}/sign-in/username`, { username: "named_person", password: PASSWORD })
    ).status;
    statuses.usernameBad = (
      await post(`${api}/sign-in/username`, { username: "named_person", password: "nope-nope-1" })
    ).status;
    // anonymous
    statuses.anonymous = (await post(`${api}/sign-in/anonymous`, {})).status;
    // magic link: a good link signs a new user up, a forged one redirects with an error
    statuses.magicRequest = (await post(`${api}/sign-in/magic-link`, { email: "magic@example.com" })).status;
    // the link points at the public base URL; the server under test listens on a loopback port
    statuses.magicVerify = (await get(links[0]!.replace("http://plugins.example.test", served.url))).status;
    statuses.magicForged = (await get(`${api}/magic-link/verify?token=forged-token-123&callbackURL=/`)).status;
    // two-factor: the password step holds the session back until the second factor
    const signUp = await post(`${api}/sign-up/email`, user("twofa@example.com"));
    const enabled = await post(
      `${api}/two-factor/enable`,
      { password: PASSWORD },
      { cookie: cookieHeader(signUp.cookies) },
    );
    const { backupCodes } = enabled.json<{ backupCodes: string[] }>();
    const step1 = await post(`${api}/sign-in/email`, { email: "twofa@example.com", password: PASSWORD });
    expect(step1.json()).toMatchObject({ twoFactorRedirect: true });
    const pending = cookieHeader(step1.cookies);
    statuses.backupBad = (
      await post(`${api}/two-factor/verify-backup-code`, { code: "wrong-code" }, { cookie: pending })
    ).status;
    statuses.backupGood = (
      await post(`${api}/two-factor/verify-backup-code`, { code: backupCodes[0] }, { cookie: pending })
    ).status;
    // the app's own plugin
    await post(`${api}/sign-up/email`, user("badge.holder@example.com"));
    statuses.badge = (await post(`${api}/acme-kiosk/badge-sign-in`, {})).status;

    await auth.$telemetry.flush();
  });

  afterAll(async () => {
    await served?.close();
    await auth?.$telemetry.shutdown();
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers as Better Auth does", () => {
    expect(statuses).toEqual({
      username: 200,
      usernameBad: 401,
      anonymous: 200,
      magicRequest: 200,
      magicVerify: 302,
      magicForged: 302,
      backupBad: 401,
      backupGood: 200,
      badge: 200,
    });
  });

  it("reports each sign-in's method and outcome", () => {
    const counts = eventCounts(sink);
    const auth = Object.fromEntries(Object.entries(counts).filter(([key]) => key.startsWith("auth_")));
    expect(auth).toEqual({
      // three email sign-ups (named, twofa, badge holder)
      "auth_success email sign-up -": 3,
      "auth_success username sign-in -": 1,
      "auth_failure username sign-in - INVALID_USERNAME_OR_PASSWORD": 1,
      "auth_success anonymous sign-up -": 1,
      "auth_success magic-link sign-up -": 1,
      "auth_failure magic-link - - INVALID_TOKEN": 1,
      // the password step of a two-factor sign-in is neither: no session yet
      "auth_failure two-factor sign-in - INVALID_BACKUP_CODE": 1,
      "auth_success two-factor sign-in -": 1,
      "auth_success other sign-in -": 1,
    });
    expect(counts["api_request handler POST /sign-in/email 200"]).toBe(1);
    expect(counts["api_request handler POST /:custom 200"]).toBe(1);
  });

  it("counts the app's own plugin without naming it, and names Better Auth's", () => {
    const init = sink
      .batches()
      .flatMap((b) => b.events)
      .find((e) => e.type === "init");
    expect(init?.props).toMatchObject({
      plugins: ["anonymous", "magic-link", "two-factor", "username"],
      customPluginCount: 1,
    });
    const everything = sink.allText();
    for (const needle of ["acme", "kiosk", "badge", "named_person", "example.com", "forged-token", ...links]) {
      expect(everything, needle).not.toContain(needle);
    }
  });
});
