import { LATENCY_BUCKETS_MS } from "@better-auth-telemetry/protocol";
import { describe, expect, it } from "vitest";
import { Aggregator, bucketIndex } from "./aggregate.js";

describe("latency buckets", () => {
  it("puts a duration exactly at a bound into that bound's bucket, and just over it into the next", () => {
    LATENCY_BUCKETS_MS.forEach((bound, i) => {
      expect(bucketIndex(bound)).toBe(i);
      expect(bucketIndex(bound + 0.001)).toBe(i + 1);
    });
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(1e9)).toBe(LATENCY_BUCKETS_MS.length);
  });
});

describe("Aggregator", () => {
  it("folds identical requests into one record with a count and a histogram", () => {
    const agg = new Aggregator(100);
    for (const ms of [1, 3, 3, 40, 20000])
      agg.add("api_request", { route: "/sign-in/email", method: "POST", status: 200, durationMs: ms });
    agg.add("api_request", { route: "/sign-in/email", method: "POST", status: 401, durationMs: 2 });
    const events = agg.drain();
    expect(events).toHaveLength(2);
    const ok = events.find((e) => e.props.status === 200)!;
    expect(ok.props).toMatchObject({ route: "/sign-in/email", method: "POST", source: "handler", count: 5 });
    const duration = ok.props.duration as { sumMs: number; maxMs: number; buckets: number[] };
    expect(duration.sumMs).toBe(20047);
    expect(duration.maxMs).toBe(20000);
    expect(duration.buckets.reduce((a, b) => a + b, 0)).toBe(5);
    expect(duration.buckets[0]).toBe(1); // 1 ms
    expect(duration.buckets[2]).toBe(2); // 3 ms ≤ 5
    expect(duration.buckets[5]).toBe(1); // 40 ms ≤ 50
    expect(duration.buckets[LATENCY_BUCKETS_MS.length]).toBe(1); // overflow
  });

  it("keeps handler requests and direct api calls apart", () => {
    const agg = new Aggregator(100);
    agg.add("api_request", { route: "/get-session", method: "GET", status: 200, durationMs: 1 });
    agg.add("api_request", { route: "/get-session", method: "GET", status: 200, durationMs: 1, source: "api" });
    expect(
      agg
        .drain()
        .map((e) => e.props.source)
        .sort(),
    ).toEqual(["api", "handler"]);
  });

  it("counts auth outcomes and errors by their distinguishing fields", () => {
    const agg = new Aggregator(100);
    agg.add("auth_failure", { method: "email", reason: "INVALID_EMAIL_OR_PASSWORD" });
    agg.add("auth_failure", { method: "email", reason: "INVALID_EMAIL_OR_PASSWORD" });
    agg.add("auth_failure", { method: "email", reason: "USER_NOT_FOUND" });
    agg.add("error", { type: "APIError", code: "UNAUTHORIZED", status: 401 });
    const events = agg.drain();
    expect(events.map((e) => [e.type, e.props.reason ?? e.props.code, e.props.count])).toEqual([
      ["auth_failure", "INVALID_EMAIL_OR_PASSWORD", 2],
      ["auth_failure", "USER_NOT_FOUND", 1],
      ["error", "UNAUTHORIZED", 1],
    ]);
  });

  it("refuses events whose required fields fail the protocol, and never keeps undeclared fields", () => {
    const agg = new Aggregator(100);
    expect(agg.add("api_request", { route: "/user/123456789", method: "GET", status: 200, durationMs: 1 })).toBe(
      "invalid",
    );
    expect(
      agg.add("api_request", { route: "/sign-in/email?email=a@b.c", method: "GET", status: 200, durationMs: 1 }),
    ).toBe("invalid");
    expect(agg.add("auth_success", { method: "email", email: "a@b.c" })).toBe("added");
    expect(JSON.stringify(agg.drain())).not.toContain("a@b.c");
  });

  it("holds at most maxKeys records per window, and reports the rest as full", () => {
    const agg = new Aggregator(3);
    const results = ["/a", "/b", "/c", "/d"].map((route) =>
      agg.add("api_request", { route, method: "GET", status: 200, durationMs: 1 }),
    );
    expect(results).toEqual(["added", "added", "added", "full"]);
    expect(agg.add("api_request", { route: "/a", method: "GET", status: 200, durationMs: 1 })).toBe("merged");
  });

  it("stamps each record with a UUIDv7 and the window's start", () => {
    const agg = new Aggregator(10);
    const before = Date.now();
    agg.add("auth_success", { method: "email" });
    const [event] = agg.drain();
    expect(event!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(event!.ts).toBeLessThanOrEqual(before);
    expect(agg.drain()).toEqual([]);
  });
});
