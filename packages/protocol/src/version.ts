/**
 * The wire protocol's version. A batch carries it as `v`; the collector accepts
 * exactly the versions it knows. Bump it only for changes an old collector
 * could not read; adding an optional field or an enum value is not one.
 */
export const PROTOCOL_VERSION = 1;

/** Upper bounds, in milliseconds, of the latency histogram's buckets. The last bucket counts everything slower. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
