import { describe, expect, it } from "vitest";
import { populationTooSmall, suppressSmallGroups } from "./suppress.js";

const groups = [
  { value: "a", installations: 6 },
  { value: "b", installations: 5 },
  { value: "c", installations: 4 },
  { value: "d", installations: 0 },
];

describe("suppressSmallGroups", () => {
  it("shows a group of exactly k installations and hides one of k - 1", () => {
    expect(suppressSmallGroups(groups, 5)).toEqual({ shown: groups.slice(0, 2), suppressed: 2 });
    expect(suppressSmallGroups([{ installations: 1 }], 2)).toEqual({ shown: [], suppressed: 1 });
    expect(suppressSmallGroups([{ installations: 2 }], 2)).toEqual({ shown: [{ installations: 2 }], suppressed: 0 });
  });

  it("shows everything without a k (a private collector)", () => {
    expect(suppressSmallGroups(groups, null)).toEqual({ shown: groups, suppressed: 0 });
  });

  it("keeps the order and does not touch its input", () => {
    const input = [...groups];
    expect(suppressSmallGroups(input, 1).shown.map((g) => g.value)).toEqual(["a", "b", "c"]);
    expect(input).toEqual(groups);
  });
});

describe("populationTooSmall", () => {
  it("is true below k only, and not for an empty population (it has no one to single out)", () => {
    expect(populationTooSmall(4, 5)).toBe(true);
    expect(populationTooSmall(1, 5)).toBe(true);
    expect(populationTooSmall(5, 5)).toBe(false);
    expect(populationTooSmall(0, 5)).toBe(false);
    expect(populationTooSmall(1, null)).toBe(false);
  });
});
