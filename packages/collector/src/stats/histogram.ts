/**
 * Latency percentiles from summed histograms, interpolated as Prometheus's
 * histogram_quantile does: find the bucket holding the rank p × N, then
 * interpolate linearly between its lower and upper bound (the first bucket
 * starts at 0). A rank in the overflow bucket (slower than the last bound)
 * yields the last bound, since that bucket has no upper one: read it as "at
 * least 10 s". An empty histogram has no percentiles (null).
 *
 * The clients' bucket bounds are LATENCY_BUCKETS_MS (1, 2, 5 … 10000 ms), so
 * a percentile is exact to within its bucket: p95 = 180 ms means "between 100
 * and 250 ms, about 180 if requests spread evenly across that bucket".
 */
import { LATENCY_BUCKETS_MS } from "@better-auth-telemetry/protocol";

export function histogramQuantile(
  p: number,
  buckets: readonly number[],
  bounds: readonly number[] = LATENCY_BUCKETS_MS,
): number | null {
  const total = buckets.reduce((n, b) => n + b, 0);
  if (total <= 0) return null;
  const rank = p * total;
  let before = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i] ?? 0;
    if (before + count >= rank && count > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1]!;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i]!;
      return lower + ((upper - lower) * (rank - before)) / count;
    }
    before += count;
  }
  return bounds[bounds.length - 1]!;
}
