/**
 * Public mode's one rule, in one place: a group of fewer than k installations
 * is not shown, so a rare configuration (a custom route, an unusual runtime,
 * an error only one app sees) cannot single an installation out. Every grouped
 * list of every stats endpoint, and so the dashboard, passes through here.
 * A filtered view whose whole population is below k (but not empty) shows
 * no groups at all: its totals would describe fewer than k installations.
 */

/** k for public mode; null when every group is shown (the collector is private). */
export type Threshold = number | null;

export interface Suppressed<T> {
  shown: T[];
  /** How many groups were withheld. */
  suppressed: number;
}

/** Keeps the groups with at least k installations; k = null keeps all. */
export function suppressSmallGroups<T extends { installations: number }>(
  groups: readonly T[],
  k: Threshold,
): Suppressed<T> {
  if (k === null) return { shown: [...groups], suppressed: 0 };
  const shown = groups.filter((g) => g.installations >= k);
  return { shown, suppressed: groups.length - shown.length };
}

/**
 * True when the filtered population itself is too small to show anything
 * about it. An empty population withholds nothing: there is no one to single
 * out, and the page can say "no events yet".
 */
export const populationTooSmall = (active: number, k: Threshold): boolean => k !== null && active > 0 && active < k;
