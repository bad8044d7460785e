/** Time helpers shared by the integration: a monotonic clock for durations and a tolerant date reader. */

const perf = (globalThis as { performance?: { now(): number } }).performance;

/** Milliseconds from a monotonic clock where the runtime has one (durations must not jump with the wall clock). */
export const now: () => number = perf && typeof perf.now === "function" ? () => perf.now() : () => Date.now();

/** A Date, ISO string or epoch number as epoch milliseconds; undefined for anything else. */
export function toMillis(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
