import { EVENT_HEADER, LIMITS } from "@better-auth-telemetry/protocol";
import { wireBatchSchema } from "@better-auth-telemetry/protocol/zod";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manyEvents, wireBatch } from "../../test/support/batches.js";
import { conformsToWire } from "./wire-check.js";

/** Every path to a value inside `value`, as keys and indexes. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => paths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

/** A copy of `value` with the value at `path` replaced, or deleted when `replacement` is the symbol. */
function mutate(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    // an earlier change removed or replaced this branch
    if (typeof next !== "object" || next === null) return copy;
    parent = next as Record<string | number, unknown>;
  }
  const last = path.at(-1)!;
  if (replacement === DELETE) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

const DELETE = Symbol("delete");

const hostile = fc.oneof(
  fc.constant(DELETE),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 53, -(2 ** 53), 1e300, 0.5, -1, 0, 1, 8.64e15 + 1),
  fc.string({ maxLength: 8 }),
  fc.constantFrom("x".repeat(4097), "node", "api_request", "persistent", ""),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 20 }),
  fc.dictionary(fc.string({ maxLength: 200 }), fc.oneof(fc.string(), fc.integer(), fc.constant(null)), {
    maxKeys: 20,
  }),
);

describe("conformsToWire", () => {
  it("takes the fast path for valid batches of every event type", () => {
    expect(conformsToWire(wireBatch())).toBe(true);
    expect(conformsToWire(wireBatch({}, manyEvents(LIMITS.maxEventsPerBatch)))).toBe(true);
    expect(conformsToWire(wireBatch({ additionalData: undefined, dropped: 3 }))).toBe(true);
  });

  it("checks the event header fields toZod's event schema declares", () => {
    expect(EVENT_HEADER.kind === "object" && Object.keys(EVENT_HEADER.fields)).toEqual(["id", "type", "ts"]);
  });

  it("never accepts a body that zod refuses", () => {
    const base = wireBatch();
    const all = paths(base).filter((path) => path.length > 0);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(all.length - 1), hostile), { minLength: 1, maxLength: 3 }), (changes) => {
        let body: unknown = base;
        for (const [at, replacement] of changes) body = mutate(body, all[at]!, replacement);
        if (conformsToWire(body)) expect(wireBatchSchema.safeParse(body).success).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses what zod refuses at the limits", () => {
    expect(conformsToWire(wireBatch({}, []))).toBe(false);
    expect(conformsToWire(wireBatch({}, manyEvents(LIMITS.maxEventsPerBatch + 1)))).toBe(false);
    expect(conformsToWire(wireBatch({ v: 2 }))).toBe(false);
    expect(conformsToWire(wireBatch({ sentAt: 1.5 }))).toBe(false);
    expect(conformsToWire(wireBatch({ dropped: null }))).toBe(false);
  });
});
