import { describe, expect, it } from "vitest";
import { wireBatchSchema } from "./zod.js";

const batch = {
  v: 1,
  installationId: "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b",
  idKind: "persistent",
  sdkVersion: "0.1.0",
  sentAt: 1,
  context: { runtime: "node", environment: "production" },
  events: [
    { id: "01920000-0000-7000-8000-000000000000", type: "auth_success", ts: 1, props: { method: "email", count: 1 } },
  ],
};

describe("wireBatchSchema", () => {
  it("accepts a well-formed batch", () => {
    expect(wireBatchSchema.safeParse(batch).success).toBe(true);
  });

  it("rejects wrong types, unknown event types and other versions, naming the path", () => {
    const wrongType = wireBatchSchema.safeParse({
      ...batch,
      events: [{ ...batch.events[0], props: { method: "email", count: "1" } }],
    });
    expect(wrongType.success).toBe(false);
    expect(wrongType.error?.issues[0]?.path).toEqual(["events", 0, "props", "count"]);
    expect(wireBatchSchema.safeParse({ ...batch, events: [{ ...batch.events[0], type: "page_view" }] }).success).toBe(
      false,
    );
    expect(wireBatchSchema.safeParse({ ...batch, v: 2 }).success).toBe(false);
  });

  it("accepts 500 events and refuses 501", () => {
    const events = (n: number) => Array.from({ length: n }, () => batch.events[0]);
    expect(wireBatchSchema.safeParse({ ...batch, events: events(500) }).success).toBe(true);
    expect(wireBatchSchema.safeParse({ ...batch, events: events(501) }).success).toBe(false);
  });
});
