import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mapTrack, type TrackBody } from "./track-compat.js";

/** What Better Auth 1.7.25's telemetry posted for test/fixtures/better-auth-app.ts, captured verbatim. */
const fixture = JSON.parse(
  readFileSync(new URL("../../test/fixtures/better-auth-init.json", import.meta.url), "utf8"),
) as TrackBody & { payload: Record<string, unknown> };

/** Everything in the fixture that names the app, its data model or its machine. */
const NEVER_STORED = [
  "acme",
  "Acme",
  "acme_customer_accounts",
  "acmeLoyaltyTier",
  "acmeInternalNote",
  "read:acme_private_scope",
  "acme-sso",
  "acme-billing-internal",
  "AMD EPYC",
  "6.18.44",
  fixture.anonymousId,
];

const secret = new Uint8Array(32).fill(7);

describe("mapTrack", () => {
  it("maps Better Auth's init onto our init event", () => {
    const mapped = mapTrack(fixture, { secret, now: 1_700_000_000_000 });
    expect(mapped.droppedEvents).toBe(0);
    const batch = mapped.batch!;
    expect(batch.envelope).toMatchObject({
      source: "better-auth",
      idKind: "persistent",
      sdkVersion: null,
      additionalData: null,
      context: {
        runtime: "node",
        runtimeVersion: "20.20.2",
        platform: "linux",
        arch: "x64",
        framework: "hono",
        frameworkVersion: "4.13.19",
        environment: "production",
      },
    });
    expect(batch.events).toHaveLength(1);
    const [event] = batch.events;
    expect(event).toMatchObject({ type: "init", ts: 1_700_000_000_000 });
    expect(event!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event!.props).toEqual({
      database: { kind: "sqlite", adapter: "kysely" },
      plugins: ["admin", "organization", "two-factor"],
      customPluginCount: 1,
      socialProviders: ["github"],
      features: {
        emailAndPassword: true,
        requireEmailVerification: true,
        emailVerification: false,
        sendVerificationOnSignUp: false,
        passwordReset: false,
        minPasswordLength: 12,
        socialProviderCount: 1,
        sessionExpiresIn: 604800,
        sessionUpdateAge: 86400,
        cookieCache: true,
        accountLinking: true,
        trustedProviderCount: 2,
        secondaryStorage: false,
        userAdditionalFields: 2,
        databaseHooks: false,
        hooks: false,
        trustedOriginCount: 2,
      },
    });
  });

  it("keeps nothing that names the app, its model or its machine", () => {
    const stored = JSON.stringify(mapTrack(fixture, { secret }).batch);
    for (const name of NEVER_STORED) expect(stored).not.toContain(name);
  });

  it("derives a stable installation id, keyed by the store's secret", () => {
    const a = mapTrack(fixture, { secret }).batch!.envelope.installationId;
    const b = mapTrack(fixture, { secret }).batch!.envelope.installationId;
    const other = mapTrack(fixture, { secret: new Uint8Array(32).fill(8) }).batch!.envelope.installationId;
    expect(a).toBe(b);
    expect(a).not.toBe(other);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Better Auth's random fallback id (no package name, no base URL) lives only as long as its process
    expect(
      mapTrack({ ...fixture, anonymousId: "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY" }, { secret }).batch!.envelope.idKind,
    ).toBe("ephemeral");
  });

  it("drops event types it has no counterpart for", () => {
    expect(
      mapTrack({ type: "sign_in", anonymousId: fixture.anonymousId, payload: { user: "jane" } }, { secret }),
    ).toEqual({
      batch: null,
      droppedEvents: 1,
      droppedFields: 0,
    });
  });

  it("maps vendors, database detection and version ranges, dropping what it cannot read", () => {
    const payload = {
      ...fixture.payload,
      config: { database: "adapter", adapter: "prisma", plugins: ["jwt", 42] },
      database: { name: "postgresql", version: "^8.11.0" },
      framework: { name: "next", version: "^15.2.1" },
      runtime: { name: "edge", version: null },
      systemInfo: { deploymentVendor: "fly-io", systemPlatform: "Linux 6.1 (custom)", systemArchitecture: "x64" },
    };
    const batch = mapTrack({ ...fixture, payload }, { secret }).batch!;
    expect(batch.envelope.context).toEqual({
      runtime: "other",
      arch: "x64",
      framework: "next",
      frameworkVersion: "15.2.1",
      environment: "production",
      provider: "fly",
    });
    expect(batch.events[0]!.props).toMatchObject({
      database: { kind: "postgres", adapter: "prisma" },
      plugins: ["jwt"],
    });
  });

  it("refuses an init without a known environment", () => {
    expect(() => mapTrack({ ...fixture, payload: { ...fixture.payload, environment: "staging" } }, { secret })).toThrow(
      expect.objectContaining({ code: "invalid_batch" }),
    );
  });
});
