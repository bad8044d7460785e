import { describe, expect, it } from "vitest";
import { DayRangeError, daysOf, isoDate, MAX_DAYS, resolveRange } from "./range.js";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const now = Date.parse("2026-03-10T15:30:00Z");

describe("resolveRange", () => {
  it("defaults to the 30 days ending tonight", () => {
    expect(resolveRange({ now })).toEqual({ from: day("2026-02-09"), to: day("2026-03-11") });
  });

  it("rounds from down and to up to whole UTC days; an aligned to stays", () => {
    expect(
      resolveRange({ from: Date.parse("2026-01-06T15:00:00Z"), to: Date.parse("2026-01-07T00:00:01Z"), now }),
    ).toEqual({ from: day("2026-01-06"), to: day("2026-01-08") });
    expect(resolveRange({ from: day("2026-01-06"), to: day("2026-01-07"), now })).toEqual({
      from: day("2026-01-06"),
      to: day("2026-01-07"),
    });
  });

  it("takes a lone bound and fills the other", () => {
    expect(resolveRange({ from: day("2026-03-01"), now })).toEqual({ from: day("2026-03-01"), to: day("2026-03-11") });
    expect(resolveRange({ to: day("2026-01-31"), now })).toEqual({ from: day("2026-01-01"), to: day("2026-01-31") });
  });

  it("accepts exactly MAX_DAYS days and refuses one more, or an empty range", () => {
    const from = day("2025-01-01");
    expect(resolveRange({ from, to: from + MAX_DAYS * 86_400_000, now }).to).toBe(from + MAX_DAYS * 86_400_000);
    expect(() => resolveRange({ from, to: from + (MAX_DAYS + 1) * 86_400_000, now })).toThrow(DayRangeError);
    expect(() => resolveRange({ from: day("2026-01-02"), to: day("2026-01-02"), now })).toThrow(/before/);
  });
});

describe("daysOf", () => {
  it("lists every day of the range", () => {
    expect(daysOf({ from: day("2026-01-30"), to: day("2026-02-02") }).map(isoDate)).toEqual([
      "2026-01-30",
      "2026-01-31",
      "2026-02-01",
    ]);
  });
});
