import { describe, expect, it } from "vitest";
import { databaseOf } from "./connect.js";

describe("databaseOf", () => {
  it("reads the database from the URL's path, `default` without one", () => {
    expect(databaseOf(new URL("http://localhost:8123"))).toBe("default");
    expect(databaseOf(new URL("http://localhost:8123/"))).toBe("default");
    expect(databaseOf(new URL("https://u:p@ch:8443/telemetry"))).toBe("telemetry");
    expect(databaseOf(new URL("https://ch:8443/telemetry/"))).toBe("telemetry");
  });
});
