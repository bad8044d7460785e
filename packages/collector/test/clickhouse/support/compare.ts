/**
 * What "the same answer" means between two stores. Lists the stats layer
 * sorts anyway (src/stats/) are compared as sets; positional lists (a
 * histogram's buckets) keep their order. Latency sums are Float64 sums of
 * the clients' fractional milliseconds, which ClickHouse and DuckDB add in
 * different orders: they are compared to 1e-9 relative (the last bits of a
 * double); every count, installation number and bucket is compared exactly.
 */
const sortKey = (value: unknown) => JSON.stringify(value);

export function normalize(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => normalize(v));
    // arrays of objects are unordered groups; arrays of numbers (buckets) are positional
    return items.some((v) => typeof v === "object" && v !== null)
      ? items.sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
      : items;
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, normalize((value as Record<string, unknown>)[k], k)]),
    );
  }
  if (key === "durationSumMs" && typeof value === "number") return Number(value.toPrecision(12));
  return value;
}
