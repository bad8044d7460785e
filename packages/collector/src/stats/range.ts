/**
 * The dashboard's time range. Rollups are per UTC day, so a range is whole UTC
 * days: `from` is rounded down to 00:00 UTC and `to` (exclusive) up to the
 * next 00:00 UTC unless it already is one. Without `to`, the range ends
 * tonight (today included); without `from`, it spans DEFAULT_DAYS.
 */

export const DAY_MS = 86_400_000;
export const DEFAULT_DAYS = 30;
/** Longest range a query may span: a year, leap day included. */
export const MAX_DAYS = 366;

export interface DayRange {
  /** 00:00 UTC of the first day, Unix ms. */
  from: number;
  /** 00:00 UTC of the day after the last, Unix ms (exclusive). */
  to: number;
}

export class DayRangeError extends Error {
  override name = "DayRangeError";
  constructor(
    message: string,
    readonly path: "from" | "to",
  ) {
    super(message);
  }
}

const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;

/** Rounds, defaults and checks a requested range. */
export function resolveRange(options: { from?: number; to?: number; now: number }): DayRange {
  const to = options.to === undefined ? floorDay(options.now) + DAY_MS : ceilDay(options.to);
  const from = options.from === undefined ? to - DEFAULT_DAYS * DAY_MS : floorDay(options.from);
  if (from >= to) throw new DayRangeError("from must be before to (the range is whole UTC days, to exclusive)", "from");
  if (to - from > MAX_DAYS * DAY_MS) throw new DayRangeError(`the range may span at most ${MAX_DAYS} days`, "to");
  return { from, to };
}

/** `2026-01-31` for 00:00 UTC of that day. */
export const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Every day of the range, as 00:00 UTC Unix ms. */
export function daysOf(range: DayRange): number[] {
  const days: number[] = [];
  for (let day = range.from; day < range.to; day += DAY_MS) days.push(day);
  return days;
}
