import { betterAuth } from "better-auth";
import { admin, genericOAuth, twoFactor, username } from "better-auth/plugins";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { configSnapshot } from "./config-snapshot.js";

/** Everything an app might put in its options that must never travel. */
const NEEDLES = [
  "super-secret-value-123",
  "auth.acme-corp.example",
  "acme",
  "gh-client-id-xyz",
  "gh-client-secret-xyz",
  "google-id",
  "read:org",
  "favouriteColour",
  "defaultColourValue",
  "acme_users",
  "acme_sessions",
  "user_email_col",
  "acme_session_cookie",
  "app.acme-corp.example",
  "partner.example",
  "my-company-plugin",
];

async function snapshotOf(options: Parameters<typeof betterAuth>[0]) {
  const auth = betterAuth({ logger: { disabled: true }, ...options });
  const ctx = await auth.$context;
  return configSnapshot(ctx as never);
}

describe("configSnapshot", () => {
  it("keeps only booleans, counts and closed vocabularies of a fully loaded configuration", async () => {
    const props = await snapshotOf({
      database: new Database(":memory:"),
      secret: "super-secret-value-123",
      baseURL: "https://auth.acme-corp.example",
      trustedOrigins: ["https://app.acme-corp.example", "https://partner.example"],
      emailAndPassword: {
        enabled: true,
        requireEmailVerification: true,
        minPasswordLength: 12,
        sendResetPassword: async () => {},
      },
      emailVerification: { sendVerificationEmail: async () => {}, sendOnSignUp: true },
      socialProviders: {
        github: { clientId: "gh-client-id-xyz", clientSecret: "gh-client-secret-xyz", scope: ["read:org"] },
        google: { clientId: "google-id", clientSecret: "google-secret", enabled: false },
      },
      user: {
        modelName: "acme_users",
        fields: { email: "user_email_col" },
        additionalFields: { favouriteColour: { type: "string", defaultValue: "defaultColourValue" } },
        deleteUser: { enabled: true },
      },
      session: { modelName: "acme_sessions", expiresIn: 3600, cookieCache: { enabled: true, strategy: "jwe" } },
      account: { accountLinking: { enabled: true, trustedProviders: ["github", "google"] } },
      rateLimit: { enabled: true, storage: "database", customRules: { "/sign-in/email": { window: 10, max: 3 } } },
      advanced: {
        cookiePrefix: "acme_session_cookie",
        useSecureCookies: true,
        crossSubDomainCookies: { enabled: true, domain: "acme-corp.example" },
      },
      plugins: [
        username(),
        twoFactor(),
        admin(),
        genericOAuth({
          config: [
            {
              providerId: "acme",
              clientId: "acme-id",
              clientSecret: "acme-s",
              discoveryUrl: "https://sso.acme-corp.example/.well-known",
            },
          ],
        }),
        { id: "my-company-plugin" },
      ],
    });

    expect(props).toEqual({
      betterAuthVersion: "1.7.25",
      database: { kind: "sqlite", adapter: "kysely" },
      plugins: ["admin", "generic-oauth", "two-factor", "username"],
      customPluginCount: 1,
      socialProviders: ["custom", "github"],
      features: {
        emailAndPassword: true,
        requireEmailVerification: true,
        emailVerification: true,
        sendVerificationOnSignUp: true,
        autoSignIn: true,
        passwordReset: true,
        minPasswordLength: 12,
        maxPasswordLength: 128,
        socialProviderCount: 1,
        changeEmail: false,
        deleteUser: true,
        sessionExpiresIn: 3600,
        sessionUpdateAge: 86400,
        freshAge: 86400,
        cookieCache: true,
        cookieCacheStrategy: "jwe",
        storeSessionInDatabase: false,
        accountLinking: true,
        trustedProviderCount: 2,
        rateLimit: true,
        rateLimitStorage: "database",
        rateLimitCustomRules: 1,
        secondaryStorage: false,
        userAdditionalFields: 1,
        sessionAdditionalFields: 0,
        databaseHooks: false,
        hooks: false,
        crossSubDomainCookies: true,
        useSecureCookies: true,
        disableCSRFCheck: false,
        trustedOriginCount: 2,
        customIdGeneration: false,
        experimentalJoins: false,
      },
    });
    const text = JSON.stringify(props);
    for (const needle of NEEDLES) expect(text, needle).not.toContain(needle);
  });

  it("leaves out password settings when email and password is off, and reads the memory adapter", async () => {
    const props = await snapshotOf({ secret: "s".repeat(32) });
    expect(props.database).toEqual({ kind: "memory", adapter: "memory" });
    expect(props.features).not.toHaveProperty("minPasswordLength");
    expect(props.features).toMatchObject({ emailAndPassword: false, rateLimit: false });
    expect(props.features).not.toHaveProperty("rateLimitStorage");
  });
});
