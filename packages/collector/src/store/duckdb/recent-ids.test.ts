import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RecentIds } from "./recent-ids.js";

describe("RecentIds", () => {
  it("answers exactly which ids it holds, across many ids and a table that grows", () => {
    const recent = new RecentIds(64);
    const ids = Array.from({ length: 5000 }, () => randomUUID());
    // nothing is loaded: every id stays, well past the capacity
    for (const id of ids) expect(recent.claim(id)).toBe(true);
    recent.wroteTo(1);
    for (const id of ids) expect(recent.claim(id)).toBe(false);
    expect(recent.claim(randomUUID())).toBe(true);
    // ids that differ in one digit only are different ids
    expect(recent.claim(`${ids[0]!.slice(0, 35)}${ids[0]!.endsWith("0") ? "1" : "0"}`)).toBe(true);
  });

  it("forgets ids only once their segment is loaded, and keeps at least half its capacity", () => {
    const recent = new RecentIds(8);
    const first = Array.from({ length: 4 }, () => randomUUID());
    for (const id of first) recent.claim(id);
    recent.wroteTo(1);
    const second = Array.from({ length: 4 }, () => randomUUID());
    for (const id of second) recent.claim(id);
    recent.wroteTo(2);
    // segment 1 is not loaded: its ids stay, however many come after
    for (let segment = 3; segment < 10; segment++) {
      for (let i = 0; i < 4; i++) recent.claim(randomUUID());
      recent.wroteTo(segment);
    }
    expect(first.some((id) => recent.claim(id))).toBe(false);
    recent.loaded(9);
    for (let i = 0; i < 4; i++) recent.claim(randomUUID());
    recent.wroteTo(10);
    expect(first.every((id) => recent.claim(id))).toBe(true);
    const last = Array.from({ length: 4 }, () => randomUUID());
    for (const id of last) recent.claim(id);
    recent.wroteTo(11);
    expect(last.some((id) => recent.claim(id))).toBe(false);
  });
});
