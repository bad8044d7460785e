import { describe, expect, it } from "vitest";
import { detectPersonalData } from "./detectors.js";

describe("detectPersonalData", () => {
  it.each([
    ["jane.doe@example.com", "email"],
    ["192.168.1.20", "ip-address"],
    ["fe80::1ff:fe23:4567:890a", "ip-address"],
    ["https://acme.io/x", "url"],
    ["acme.io", "domain"],
    ["api.acme-corp.co.uk", "domain"],
    ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", "jwt"],
    ["Bearer abc", "bearer"],
    ["+1 5551234567", "long-number"],
    ["sk_live_51HxQk2eZvKYlo2C0", "secret-like"],
    ["a1B2c3D4e5F6g7H8i9", "secret-like"],
  ])("flags %s as %s", (value, kind) => {
    expect(detectPersonalData(value)).toBe(kind);
  });

  it.each(["us-east-1", "staging", "eu-west-3", "blue", "v2", "1.7.25", "tier 2", "canary-42"])(
    "lets %s through",
    (value) => {
      expect(detectPersonalData(value)).toBeUndefined();
    },
  );
});
