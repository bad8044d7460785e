/**
 * How the dashboard writes numbers. The page and its browser test both use
 * these, so the test can check that each number shown is the API's number.
 */

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567"; null → "–". */
export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : integer.format(n);
}

/** 0.4567 → "45.7%"; null → "–". */
export function formatShare(share: number | null | undefined): string {
  return share === null || share === undefined ? "–" : `${(share * 100).toFixed(1)}%`;
}

/** Milliseconds with precision that suits their size: 0.83 ms, 12.4 ms, 183 ms, 2,500 ms. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${integer.format(Math.round(ms))} ms`;
}

/** A label for a value the installations did not report. */
export const formatValue = (value: string | null): string => value ?? "unknown";
