import type { WireEvent } from "@better-auth-telemetry/protocol";
import { describe, expect, it } from "vitest";
import { guardAdditionalData, guardBatch } from "./guard.js";

const envelope = {
  installationId: "3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b",
  idKind: "ephemeral" as const,
  sdkVersion: "0.1.0",
  sentAt: 1,
  context: { runtime: "node", environment: "production" },
};
let n = 0;
const event = (type: WireEvent["type"], props: Record<string, unknown>): WireEvent => ({
  id: `01920000-0000-7000-8000-${String(++n).padStart(12, "0")}`,
  type,
  ts: 1,
  props: { count: 1, ...props },
});
const request = (route: string) =>
  event("api_request", { route, method: "GET", status: 200, source: "handler", duration: { sumMs: 1, buckets: [1] } });

describe("guardBatch", () => {
  it("drops a request whose route looks like personal data, and only the route of an error", () => {
    const drops: string[] = [];
    const batch = guardBatch(
      envelope,
      [
        request("/sign-in/email"),
        request("/acme.io"),
        event("error", { code: "NOT_FOUND", status: 404, route: "/user/abcdef01-2345-6789-abcd-ef01234abcde" }),
      ],
      (d) => drops.push(`${d.path}: ${d.reason}`),
    );
    expect(batch!.events.map((e) => [e.type, e.props.route])).toEqual([
      ["api_request", "/sign-in/email"],
      ["error", undefined],
    ]);
    expect(batch!.events[1]!.props).toEqual({ code: "NOT_FOUND", status: 404, count: 1 });
    // the request needs its route, so it goes whole; the error keeps everything but the route
    expect(drops).toEqual(["props.route: a segment looks like secret-like"]);
    expect(JSON.stringify(batch)).not.toMatch(/acme|abcdef01/);
  });

  it("sends nothing when nothing may travel", () => {
    expect(guardBatch(envelope, [request("/acme.io")])).toBeUndefined();
    expect(guardBatch({ ...envelope, installationId: "web-1.acme.io" }, [request("/sign-in/email")])).toBeUndefined();
  });
});

describe("guardAdditionalData", () => {
  it("keeps 16 entries, reports the 17th and each value that is not a short plain word or looks personal, never quoting it", () => {
    const drops: string[] = [];
    const data: Record<string, unknown> = Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i]));
    data.owner = "jane@example.com";
    data.host = "app.acme.io";
    data.region = "eu-west-1";
    data.k15 = true;
    const clean = guardAdditionalData(data, (d) => drops.push(`${d.path}: ${d.reason}`));
    expect(Object.keys(clean)).toHaveLength(16);
    expect(clean).toMatchObject({ region: "eu-west-1", k0: 0 });
    expect(clean).not.toHaveProperty("owner");
    expect(drops).toEqual([
      "additionalData.owner: does not match its pattern",
      "additionalData.host: looks like domain",
      "additionalData.k15: more than 16 keys",
    ]);
    expect(drops.join()).not.toMatch(/jane|acme/);
  });
});
