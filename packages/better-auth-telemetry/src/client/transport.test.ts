import { describe, expect, it } from "vitest";
import { backoffMs } from "./delivery.js";
import { classifyStatus, parseRetryAfter } from "./transport.js";

describe("classifyStatus", () => {
  it.each([
    [200, "delivered"],
    [202, "delivered"],
    [400, "rejected"],
    [413, "rejected"],
    [422, "rejected"],
    [408, "retry"],
    [429, "retry"],
    [500, "retry"],
    [503, "retry"],
  ])("%i → %s", (status, kind) => {
    expect(classifyStatus(status, null).kind).toBe(kind);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates, and ignores garbage", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter("-5")).toBeUndefined();
    expect(parseRetryAfter("999999")).toBe(600_000);
  });
});

describe("backoff", () => {
  it("doubles up to a minute with jitter in the upper half", () => {
    expect(backoffMs(1, () => 0)).toBe(500);
    expect(backoffMs(1, () => 1)).toBe(1000);
    expect(backoffMs(3, () => 1)).toBe(4000);
    expect(backoffMs(30, () => 1)).toBe(60_000);
  });
});
