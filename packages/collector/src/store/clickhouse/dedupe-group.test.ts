import { describe, expect, it } from "vitest";
import { ingestBatch } from "../../../test/support/batches.js";
import { dedupeGroup } from "./dedupe-group.js";

describe("dedupeGroup", () => {
  it("keeps the first occurrence of an id, within a batch and across batches", () => {
    const a = ingestBatch({ events: 3 });
    const [e0, e1, e2] = a.events;
    const withRepeat = { ...a, events: [e0!, e1!, e0!, e2!, e1!] };
    const b = ingestBatch({ events: 2 });
    const retried = { ...b, events: [e2!, ...b.events] };
    const { batches, repeated } = dedupeGroup([withRepeat, retried]);
    expect(batches[0]!.events).toEqual([e0, e1, e2]);
    expect(batches[1]!.events).toEqual(b.events);
    expect(repeated).toEqual([2, 1]);
  });

  it("passes batches without repeats through as they are", () => {
    const a = ingestBatch({ events: 3 });
    const b = ingestBatch({ events: 3 });
    const { batches, repeated } = dedupeGroup([a, b]);
    expect(batches[0]).toBe(a);
    expect(batches[1]).toBe(b);
    expect(repeated).toEqual([0, 0]);
  });
});
