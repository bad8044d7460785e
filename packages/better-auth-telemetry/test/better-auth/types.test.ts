/**
 * The wrapper's types: Better Auth's inference (auth.api, $Infer, plugin
 * endpoints, additional fields) comes through unchanged, and `telemetry` is
 * typed as this package's options. Checked by `tsc -p test/tsconfig.json`;
 * at run time these are trivially true.
 */

import { betterAuth as betterAuthPlain } from "better-auth";
import { username } from "better-auth/plugins";
import Database from "better-sqlite3";
import { describe, expectTypeOf, it } from "vitest";
import { betterAuth, type Telemetry, type TelemetryAuthOptions, telemetry } from "../../src/index.js";

const base = {
  database: new Database(":memory:"),
  emailAndPassword: { enabled: true },
  user: { additionalFields: { plan: { type: "string", required: false } } },
  plugins: [username()],
} satisfies TelemetryAuthOptions;

describe("betterAuth from better-auth-telemetry", () => {
  const auth = betterAuth({ ...base, telemetry: { enabled: false, endpoint: "https://telemetry.example/v1/events" } });
  const plain = betterAuthPlain(base);

  it("infers auth.api exactly as Better Auth does, plugin endpoints included", () => {
    expectTypeOf(auth.api).toEqualTypeOf<typeof plain.api>();
    expectTypeOf(auth.api.signInUsername).toBeFunction();
  });

  it("infers $Infer with additional fields and plugin fields", () => {
    // $Infer exists only in types
    type User = typeof auth.$Infer.Session.user;
    expectTypeOf<User>().toEqualTypeOf<typeof plain.$Infer.Session.user>();
    expectTypeOf<User>().toHaveProperty("username");
    expectTypeOf<User>().toHaveProperty("plan");
  });

  it("adds $telemetry, the client", () => {
    expectTypeOf(auth.$telemetry).toEqualTypeOf<Telemetry>();
    expectTypeOf(auth.$telemetry.flush).returns.toEqualTypeOf<Promise<void>>();
  });

  it("types the telemetry option as this package's options", () => {
    betterAuth({ ...base, telemetry: { additionalData: { region: "eu-west-1", replicas: 3, canary: false } } });
    // @ts-expect-error additionalData values are primitives
    betterAuth({ ...base, telemetry: { additionalData: { nested: { no: true } } } });
    // @ts-expect-error a misspelt option is caught
    betterAuth({ ...base, telemetry: { endpont: "https://telemetry.example/v1/events" } });
    // @ts-expect-error enabled is a boolean
    betterAuth({ ...base, telemetry: { enabled: "yes" } });
  });
});

describe("telemetry() plugin", () => {
  it("puts the client on the auth context, typed", async () => {
    const auth = betterAuthPlain({ ...base, plugins: [username(), telemetry({ enabled: false })] });
    expectTypeOf<Awaited<typeof auth.$context>["telemetry"]>().toEqualTypeOf<Telemetry>();
  });
});
