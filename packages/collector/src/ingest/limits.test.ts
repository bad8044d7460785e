import { describe, expect, it } from "vitest";
import { ipKey, RateLimiter } from "./limits.js";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("RateLimiter", () => {
  it("allows exactly `burst` requests at once and refuses the next", () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 2, burst: 5, now: c.now });
    for (let i = 0; i < 5; i++) expect(limiter.take("a")).toEqual({ ok: true });
    expect(limiter.take("a")).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it("refills at `perSecond` and says how long to wait", () => {
    const c = clock();
    const limiter = new RateLimiter({ perSecond: 0.25, burst: 1, now: c.now });
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("a")).toEqual({ ok: false, retryAfterSeconds: 4 });
    c.advance(3999);
    expect(limiter.take("a")).toEqual({ ok: false, retryAfterSeconds: 1 });
    c.advance(1);
    expect(limiter.take("a").ok).toBe(true);
  });

  it("keeps keys apart", () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, now: clock().now });
    expect(limiter.take("a").ok).toBe(true);
    expect(limiter.take("b").ok).toBe(true);
    expect(limiter.take("a").ok).toBe(false);
  });

  it("is off with perSecond 0", () => {
    const limiter = new RateLimiter({ perSecond: 0, burst: 0 });
    expect(limiter.enabled).toBe(false);
    for (let i = 0; i < 1000; i++) expect(limiter.take("a").ok).toBe(true);
    expect(limiter.size).toBe(0);
  });

  it("remembers at most maxKeys keys, forgetting the least recently seen", () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, maxKeys: 3, now: clock().now });
    for (const key of ["a", "b", "c"]) limiter.take(key);
    limiter.take("a"); // a is now the most recent; b the oldest
    limiter.take("d");
    expect(limiter.size).toBe(3);
    expect(limiter.take("b").ok).toBe(true); // forgotten, so a fresh bucket
    expect(limiter.take("a").ok).toBe(false); // remembered
  });
});

describe("ipKey", () => {
  it("keeps IPv4 addresses, mapped or not", () => {
    expect(ipKey("203.0.113.7")).toBe("203.0.113.7");
    expect(ipKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("groups IPv6 addresses by /64", () => {
    expect(ipKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(ipKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(ipKey("::1")).toBe("0:0:0:0::/64");
  });
});
