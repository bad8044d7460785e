import { LATENCY_BUCKETS_MS } from "@better-auth-telemetry/protocol";
import { describe, expect, it } from "vitest";
import { histogramQuantile } from "./histogram.js";

/** A 14-bucket histogram with `counts` at the given indexes. */
const h = (counts: Record<number, number>) =>
  Array.from({ length: LATENCY_BUCKETS_MS.length + 1 }, (_, i) => counts[i] ?? 0);

describe("histogramQuantile", () => {
  it("interpolates linearly inside the bucket that holds the rank, as Prometheus does", () => {
    // 10 requests in (10, 25]: rank 5 is halfway
    expect(histogramQuantile(0.5, h({ 4: 10 }))).toBe(17.5);
    // the first bucket starts at 0
    expect(histogramQuantile(0.5, h({ 0: 4 }))).toBe(0.5);
    // rank 9.5 of 19: 7 below (10, 25], 6 in it → 10 + 15 × 2.5 / 6
    expect(histogramQuantile(0.5, h({ 2: 5, 3: 2, 4: 6, 5: 4, 13: 2 }))).toBeCloseTo(16.25, 12);
  });

  it("takes the bucket whose cumulative count first reaches the rank", () => {
    // rank exactly at a bucket's end: that bucket's upper bound
    expect(histogramQuantile(0.5, h({ 1: 5, 2: 5 }))).toBe(2);
    // empty buckets between are skipped
    expect(histogramQuantile(0.9, h({ 1: 5, 6: 5 }))).toBe(50 + 50 * (4 / 5));
  });

  it("answers the last bound for a rank in the overflow bucket", () => {
    expect(histogramQuantile(0.99, h({ 4: 1, 13: 99 }))).toBe(10_000);
    expect(histogramQuantile(0.5, h({ 13: 1 }))).toBe(10_000);
  });

  it("has no percentile for an empty histogram", () => {
    expect(histogramQuantile(0.5, h({}))).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });

  it("reads short histograms as trailing zeros", () => {
    expect(histogramQuantile(0.5, [0, 10])).toBe(1.5);
  });
});
