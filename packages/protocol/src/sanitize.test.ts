import { describe, expect, it } from "vitest";
import {
  isReportableRoute,
  MAX_ROUTE_VERDICTS,
  sanitizeAdditionalData,
  sanitizeEnvelope,
  sanitizeEvent,
} from "./sanitize.js";

const id = "01920000-0000-7000-8000-000000000000";

describe("sanitizeEvent", () => {
  it("keeps declared fields and drops everything else, reporting each drop without its value", () => {
    const drops: string[] = [];
    const event = sanitizeEvent(
      {
        id,
        type: "error",
        ts: 1,
        props: { code: "USER_NOT_FOUND", status: 404, count: 1, message: "no user jane@x.io", stack: "at x" },
      },
      (d) => drops.push(`${d.path}:${d.reason}`),
    );
    expect(event).toEqual({ id, type: "error", ts: 1, props: { code: "USER_NOT_FOUND", status: 404, count: 1 } });
    expect(drops).toEqual(["props.message:undeclared field", "props.stack:undeclared field"]);
    expect(drops.join()).not.toContain("jane");
  });

  it("drops a value that fails its pattern instead of cleaning it", () => {
    const event = sanitizeEvent({
      id,
      type: "error",
      ts: 1,
      props: { code: "bad code jane@x.io", type: "TypeError", count: 1 },
    });
    expect(event?.props).toEqual({ type: "TypeError", count: 1 });
  });

  it("drops the whole event when a required field is invalid", () => {
    expect(
      sanitizeEvent({ id, type: "auth_success", ts: 1, props: { method: "carrier-pigeon", count: 1 } }),
    ).toBeUndefined();
    expect(sanitizeEvent({ id, type: "nope", ts: 1, props: {} })).toBeUndefined();
    expect(sanitizeEvent({ id: "not-a-uuid", type: "init", ts: 1, props: {} })).toBeUndefined();
  });

  it("keeps only known plugin ids and providers", () => {
    const event = sanitizeEvent({
      id,
      type: "init",
      ts: 1,
      props: { plugins: ["admin", "acme-internal"], socialProviders: ["github", "acme-okta"] },
    });
    expect(event?.props).toEqual({ plugins: ["admin"], socialProviders: ["github"] });
  });

  it.each([
    "/sign-in/email",
    "/callback/:id",
    "*",
    "/",
    "/.well-known/openid-configuration",
    "/two-factor/verify-totp",
  ])("accepts the route template %s", (route) => {
    const props = {
      route,
      method: "GET",
      status: 200,
      source: "handler",
      count: 1,
      duration: { sumMs: 1, buckets: [1] },
    };
    expect(sanitizeEvent({ id, type: "api_request", ts: 1, props })?.props.route).toBe(route);
  });

  it.each([
    "/user/12345",
    "/verify?token=abc",
    "/reset-password/AbCdEf123",
    "/callback/github#x",
    "sign-in",
    "//x",
    "/a b",
  ])("refuses the concrete path %s", (route) => {
    const props = {
      route,
      method: "GET",
      status: 200,
      source: "handler",
      count: 1,
      duration: { sumMs: 1, buckets: [1] },
    };
    expect(sanitizeEvent({ id, type: "api_request", ts: 1, props })).toBeUndefined();
  });
});

describe("sanitizeAdditionalData", () => {
  it("keeps short words, numbers and booleans and drops personal data and reserved keys", () => {
    const clean = sanitizeAdditionalData({
      region: "us-east-1",
      environment: "staging",
      replicas: 3,
      beta: true,
      owner: "jane@example.com",
      host: "app.acme.io",
      ip: "10.0.0.7",
      nested: { a: 1 },
      "bad key": "x",
      constructor: "x",
      big: Number.POSITIVE_INFINITY,
    });
    expect(clean).toEqual({ region: "us-east-1", environment: "staging", replicas: 3, beta: true });
  });

  it("keeps at most 16 keys", () => {
    const data = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(sanitizeAdditionalData(data))).toHaveLength(16);
  });

  it("keeps a value of exactly 64 characters and drops one of 65", () => {
    expect(sanitizeAdditionalData({ a: "a".repeat(64), b: "b".repeat(65) })).toEqual({ a: "a".repeat(64) });
  });
});

describe("sanitizeEnvelope", () => {
  it("requires an installation id, sdk version and runtime context", () => {
    const envelope = {
      installationId: "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b",
      idKind: "persistent",
      sdkVersion: "0.1.0",
      sentAt: 1,
      context: { runtime: "node", environment: "production", hostname: "web-1" },
    };
    expect(sanitizeEnvelope(envelope)).toEqual({
      ...envelope,
      context: { runtime: "node", environment: "production" },
    });
    expect(sanitizeEnvelope({ ...envelope, installationId: "web-1.acme.io" })).toBeUndefined();
  });
});

describe("isReportableRoute", () => {
  it.each([
    "*",
    "/",
    "/:custom",
    "/:virtual",
    "/sign-in/email",
    "/callback/:id",
    "/reset-password/:token",
    "/.well-known/openid-configuration",
    "/oauth2/callback/:providerId",
    "/two-factor/generate-backup-codes",
    "/organization/get-active-member-role",
    "/multi-session/list-device-sessions",
    "/email-otp/check-verification-otp",
    "/phone-number/request-password-reset",
    "/siwe/get-nonce",
    "/jwks",
    "/.well-known/jwks.json",
    "/admin/oauth2/resources/:identifier/clients/:client_id",
    "/admin/stop-impersonating",
  ])("lets the route template %s travel", (route) => {
    expect(isReportableRoute(route)).toBe(true);
  });

  it.each([
    ["/acme.io", "a domain"],
    ["/acme.json.io", "a domain that ends like a file"],
    ["/files/4f3a9c2e81d7b6a5.json", "a token named like a file"],
    ["/callback/login.example.com", "a domain"],
    ["/user/abcdef01-2345-6789-abcd-ef01234abcde", "a lower-case UUID"],
    ["/reset-password/a9f8e7d6c5b4a3928f1706f5e4d3c2b1a0", "a hex token"],
    ["/verify/a1234567", "a long number"],
    ["/session/deadbeefdeadbeefdeadbeefdeadbeef", "an unbroken run of 32 letters"],
  ])("refuses %s, which is shaped like a route but holds %s", (route) => {
    expect(isReportableRoute(route)).toBe(false);
    const event = sanitizeEvent({ id, type: "error", ts: 1, props: { code: "NOT_FOUND", count: 1, route } });
    expect(event?.props).toEqual({ code: "NOT_FOUND", count: 1 });
  });

  it("takes an unbroken run of 19 letters and digits in a segment, and refuses one of 20", () => {
    expect(isReportableRoute(`/x/${"a".repeat(19)}`)).toBe(true);
    expect(isReportableRoute(`/x/${"a".repeat(20)}`)).toBe(false);
    expect(isReportableRoute(`/x/${"a".repeat(10)}-${"b".repeat(10)}`)).toBe(true);
  });

  it("answers alike from memory, and past its memory of MAX_ROUTE_VERDICTS routes", () => {
    expect(isReportableRoute("/acme.io")).toBe(false);
    expect(isReportableRoute("/acme.io")).toBe(false);
    for (let i = 0; i <= MAX_ROUTE_VERDICTS; i++) expect(isReportableRoute(`/route-${i}/sign-in`)).toBe(true);
    // the memory is full: routes it has never seen are still checked, each time
    for (let n = 0; n < 2; n++) {
      expect(isReportableRoute("/user/abcdef01-2345-6789-abcd-ef01234abcde")).toBe(false);
      expect(isReportableRoute("/callback/login.example.com")).toBe(false);
      expect(isReportableRoute("/sign-in/social")).toBe(true);
    }
    expect(isReportableRoute("/acme.io")).toBe(false);
  });

  it("screens each segment on its own: words of two segments never read as one token", () => {
    // read as one string, "/oauth2/v2/get-session-token" holds a 16-character run with two digits
    expect(isReportableRoute("/oauth2/v2/get-session-token")).toBe(true);
  });
});
