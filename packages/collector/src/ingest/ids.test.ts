import { UUID } from "@better-auth-telemetry/protocol";
import { describe, expect, it } from "vitest";
import { derivedUuid, uuidv7 } from "./ids.js";

describe("uuidv7", () => {
  it("makes lower-case version-7 UUIDs that pass the protocol's pattern and sort by time", () => {
    const a = uuidv7(1_700_000_000_000);
    const b = uuidv7(1_700_000_000_001);
    expect(a).toMatch(UUID);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.slice(0, 13)).toBe("018bcfe5-6800");
    expect(a < b).toBe(true);
    expect(uuidv7(1_700_000_000_000)).not.toBe(a);
  });
});

describe("derivedUuid", () => {
  const secret = new Uint8Array(32).fill(1);
  it("is stable for one secret and value, and a version-8 UUID", () => {
    const id = derivedUuid({ secret, namespace: "ns", value: "v" });
    expect(id).toBe(derivedUuid({ secret, namespace: "ns", value: "v" }));
    expect(id).toMatch(UUID);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("changes with the secret, the namespace or the value", () => {
    const id = derivedUuid({ secret, namespace: "ns", value: "v" });
    expect(derivedUuid({ secret: new Uint8Array(32).fill(2), namespace: "ns", value: "v" })).not.toBe(id);
    expect(derivedUuid({ secret, namespace: "ns2", value: "v" })).not.toBe(id);
    expect(derivedUuid({ secret, namespace: "ns", value: "w" })).not.toBe(id);
    // the separator keeps namespace and value apart
    expect(derivedUuid({ secret, namespace: "n", value: "sv" })).not.toBe(
      derivedUuid({ secret, namespace: "ns", value: "v" }),
    );
  });
});
