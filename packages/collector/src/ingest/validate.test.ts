import { describe, expect, it } from "vitest";
import { wireBatch, wireEvent } from "../../test/support/batches.js";
import { CollectorError } from "../http/errors.js";
import { type CheckedBatch, toIngestBatch } from "./validate.js";

const check = (overrides: Record<string, unknown> = {}, events?: ReturnType<typeof wireEvent>[]) =>
  toIngestBatch(wireBatch(overrides, events) as unknown as CheckedBatch);

describe("toIngestBatch", () => {
  it("keeps a valid batch whole", () => {
    const result = check();
    expect(result.droppedEvents).toBe(0);
    expect(result.droppedFields).toBe(0);
    expect(result.batch.events).toHaveLength(5);
    expect(result.batch.envelope).toEqual({
      source: "sdk",
      installationId: "0190a0b0-0000-4000-8000-000000000001",
      idKind: "persistent",
      sdkVersion: "0.1.0",
      context: {
        runtime: "node",
        runtimeVersion: "20.20.2",
        platform: "linux",
        arch: "x64",
        framework: "hono",
        frameworkVersion: "4.13.19",
        environment: "production",
      },
      additionalData: { region: "eu-west", tier: "pro" },
    });
  });

  it("drops undeclared fields and values failing their pattern, and counts them", () => {
    const event = wireEvent("api_request", { extra: "x" });
    event.props.userEmail = "jane@example.com";
    event.props.route = "/users/12345";
    const result = check(
      {
        additionalData: { region: "eu", contact: "jane@example.com", token: "sk_live_abcdef0123456789" },
        context: { runtime: "node", environment: "production", hostname: "api.acme.example" },
        clientIp: "203.0.113.7",
      },
      [event],
    );
    const stored = JSON.stringify(result.batch);
    for (const leaked of ["jane@example.com", "12345", "sk_live", "acme", "203.0.113.7", "hostname", "clientIp"]) {
      expect(stored).not.toContain(leaked);
    }
    // route is required on api_request and failed its pattern: the event goes whole
    expect(result.droppedEvents).toBe(1);
    expect(result.batch.events).toEqual([]);
    expect(result.batch.envelope.additionalData).toEqual({ region: "eu" });
    expect(result.droppedFields).toBeGreaterThanOrEqual(4);
  });

  it("drops routes shaped like templates that hold a domain, a UUID or a token, as the client does", () => {
    const routes = ["/acme.io", "/user/abcdef01-2345-6789-abcd-ef01234abcde", `/session/${"deadbeef".repeat(4)}`];
    const withRoute = (type: "api_request" | "error", route: string) => {
      const event = wireEvent(type);
      event.props.route = route;
      return event;
    };
    const requests = routes.map((route) => withRoute("api_request", route));
    const errors = routes.map((route) => withRoute("error", route));
    const result = check({}, [...requests, ...errors, withRoute("api_request", "/sign-in/email")]);
    expect(result.batch.events.map((e) => [e.type, e.props.route])).toEqual([
      ["error", undefined],
      ["error", undefined],
      ["error", undefined],
      ["api_request", "/sign-in/email"],
    ]);
    expect(result.droppedEvents).toBe(3);
    expect(JSON.stringify(result.batch)).not.toMatch(/acme|abcdef01|deadbeef/);
  });

  it("drops an event whose required field fails, keeping the rest", () => {
    const bad = wireEvent("auth_success");
    bad.props.method = "telepathy";
    const badId = wireEvent("error", { id: "not-a-uuid" });
    const good = wireEvent("error");
    const result = check({}, [bad, badId, good]);
    expect(result.droppedEvents).toBe(2);
    expect(result.batch.events.map((e) => e.id)).toEqual([good.id]);
  });

  it("refuses the batch when a required envelope field fails, naming it", () => {
    const refusal = (overrides: Record<string, unknown>) => {
      try {
        check(overrides);
      } catch (error) {
        expect(error).toBeInstanceOf(CollectorError);
        return error as CollectorError;
      }
      throw new Error("not refused");
    };
    expect(refusal({ installationId: "my-app.example.com" })).toMatchObject({
      code: "invalid_batch",
      path: "installationId",
    });
    expect(refusal({ sdkVersion: "latest!" })).toMatchObject({ path: "sdkVersion" });
    expect(refusal({ idKind: "forever" })).toMatchObject({ path: "idKind" });
    expect(refusal({ context: { runtime: "node", environment: "staging" } })).toMatchObject({
      path: "context.environment",
      statusCode: 422,
    });
  });

  it("reads a runtime it does not know as `other` (adding one is not a protocol bump)", () => {
    const result = check({ context: { runtime: "llrt", environment: "production" } });
    expect(result.batch.envelope.context.runtime).toBe("other");
  });

  it("passes on what the client says it dropped", () => {
    expect(check({ dropped: 42 }).clientDropped).toBe(42);
    expect(check().clientDropped).toBe(0);
  });

  it("stores no additionalData rather than an empty object", () => {
    expect(check({ additionalData: { "bad key!": 1 } }).batch.envelope.additionalData).toBeNull();
  });
});
