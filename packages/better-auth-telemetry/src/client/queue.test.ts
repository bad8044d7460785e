import { describe, expect, it } from "vitest";
import { BoundedQueue } from "./queue.js";

describe("BoundedQueue", () => {
  it("holds exactly its capacity, dropping the oldest past it and counting them", () => {
    const q = new BoundedQueue<number>(3);
    q.push([1, 2, 3]);
    expect(q.dropped).toBe(0);
    q.push([4]);
    expect(q.dropped).toBe(1);
    expect(q.take(10)).toEqual([2, 3, 4]);
  });

  it("puts a failed batch back in front, still within capacity", () => {
    const q = new BoundedQueue<number>(4);
    q.push([1, 2, 3]);
    const batch = q.take(2);
    q.push([4, 5]);
    q.restore(batch);
    expect(q.length).toBe(4);
    expect(q.dropped).toBe(1);
    expect(q.take(10)).toEqual([2, 3, 4, 5]);
  });
});
