/**
 * The stats API end to end: real HTTP on loopback, a real DuckDB file, the
 * fixture of test/support/dashboard-fixture.ts sent through POST /v1/events.
 * Every expected number is computed by hand from the fixture's table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCollector, type TestCollector } from "./support/collector.js";
import { date, INSTALLATIONS, seedFixture } from "./support/dashboard-fixture.js";
import { request } from "./support/http.js";

let collector: TestCollector;
const get = async (path: string, headers: Record<string, string> = {}) => {
  const reply = await request(`${collector.url}${path}`, { headers });
  return reply;
};
/** The fixture's days d0–d7. */
const RANGE = `from=${date(0)}&to=${date(8)}`;
const stats = async (panel: string, query = "") => {
  const reply = await get(`/v1/stats/${panel}?${RANGE}${query}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.json;
};

beforeAll(async () => {
  collector = await startTestCollector();
  await seedFixture(collector.url);
});
afterAll(() => collector.dispose());

describe("installations", () => {
  it("counts daily, weekly, new and active installations", async () => {
    const json = await stats("installations");
    expect(json).toMatchObject({
      range: { from: Date.UTC(2026, 0, 5), to: Date.UTC(2026, 0, 13), firstDay: date(0), lastDay: date(7), days: 8 },
      filter: {},
      k: null,
      withheld: false,
      suppressed: 0,
      // E sent events in two contexts (next, then express) and counts once
      active: 5,
      new: 5,
    });
    expect(json.daily).toEqual([
      { date: date(0), active: 2, new: 2 },
      { date: date(1), active: 2, new: 1 },
      { date: date(2), active: 2, new: 1 },
      { date: date(3), active: 1, new: 1 },
      { date: date(4), active: 1, new: 0 },
      { date: date(5), active: 0, new: 0 },
      { date: date(6), active: 0, new: 0 },
      { date: date(7), active: 1, new: 0 },
    ]);
    expect(json.weekly).toEqual([
      { week: date(0), active: 5, partial: false },
      { week: date(7), active: 1, partial: true },
    ]);
  });

  it("bounds the range by whole UTC days: from inclusive, to exclusive", async () => {
    // F's only event is at 2026-01-13T00:00:00.000Z; A's last at 2026-01-12T23:59:59.999Z
    const lastDay = await get(`/v1/stats/installations?from=${date(7)}&to=${date(8)}`);
    expect(lastDay.json).toMatchObject({ active: 1, new: 0 });
    const nextDay = await get(`/v1/stats/installations?from=${date(8)}&to=${date(9)}`);
    expect(nextDay.json).toMatchObject({ active: 1, new: 1, daily: [{ date: date(8), active: 1, new: 1 }] });
    const both = await get(`/v1/stats/installations?from=${date(7)}&to=${date(9)}`);
    expect(both.json.active).toBe(2);
  });

  it("rounds a range to whole days and echoes what it used", async () => {
    const reply = await get(`/v1/stats/installations?from=2026-01-06T15:00:00Z&to=2026-01-07T01:00:00Z`);
    expect(reply.json.range).toEqual({
      from: Date.UTC(2026, 0, 6),
      to: Date.UTC(2026, 0, 8),
      firstDay: date(1),
      lastDay: date(2),
      days: 2,
    });
    // d1: A, C; d2: B, E. New in range: C (d1), E (d2); A and B began on d0
    expect(reply.json).toMatchObject({ active: 4, new: 2, weekly: [{ week: date(1), active: 4, partial: true }] });
  });

  it("defaults to the 30 days up to today", async () => {
    const reply = await get("/v1/stats/installations");
    expect(reply.json.range.days).toBe(30);
    expect(reply.json.range.lastDay).toBe(new Date().toISOString().slice(0, 10));
  });
});

describe("breakdowns", () => {
  it("counts each active installation under every context value it reported, and its latest configuration", async () => {
    const json = await stats("breakdowns");
    expect(json).toMatchObject({ active: 5, configured: 4 });
    const d = json.dimensions;
    expect(d.runtime).toEqual([
      { value: "node", installations: 3, share: 0.6 },
      { value: "bun", installations: 1, share: 0.2 },
      { value: "deno", installations: 1, share: 0.2 },
    ]);
    expect(d.runtimeVersion).toEqual([
      { value: "node 22.21.1", installations: 2, share: 0.4 },
      { value: "bun 1.3.1", installations: 1, share: 0.2 },
      { value: "deno 2.5.6", installations: 1, share: 0.2 },
      { value: "node 20.19.5", installations: 1, share: 0.2 },
    ]);
    // E counts under next and under express
    expect(d.framework).toEqual([
      { value: "hono", installations: 2, share: 0.4 },
      { value: "next", installations: 2, share: 0.4 },
      { value: "express", installations: 1, share: 0.2 },
      { value: "sveltekit", installations: 1, share: 0.2 },
    ]);
    expect(d.environment).toEqual([
      { value: "production", installations: 3, share: 0.6 },
      { value: "ci", installations: 1, share: 0.2 },
      { value: "development", installations: 1, share: 0.2 },
    ]);
    // D never sent an init: unknown
    expect(d.betterAuthVersion).toEqual([
      { value: "1.7.25", installations: 3, share: 0.6 },
      { value: "1.6.2", installations: 1, share: 0.2 },
      { value: null, installations: 1, share: 0.2 },
    ]);
    expect(d.databaseKind).toEqual([
      { value: "postgres", installations: 2, share: 0.4 },
      { value: "sqlite", installations: 2, share: 0.4 },
      { value: null, installations: 1, share: 0.2 },
    ]);
    expect(d.databaseAdapter).toEqual([
      { value: "kysely", installations: 2, share: 0.4 },
      { value: "drizzle", installations: 1, share: 0.2 },
      { value: null, installations: 1, share: 0.2 },
      { value: "prisma", installations: 1, share: 0.2 },
    ]);
  });
});

describe("adoption", () => {
  it("shares of active installations whose latest configuration has each plugin, provider and feature", async () => {
    const json = await stats("adoption");
    expect(json).toMatchObject({ active: 5, configured: 4 });
    // E's latest init (d4) dropped two-factor
    expect(json.plugins).toEqual([
      { value: "admin", installations: 2, share: 0.4 },
      { value: "organization", installations: 2, share: 0.4 },
    ]);
    expect(json.socialProviders).toEqual([
      { value: "github", installations: 2, share: 0.4 },
      { value: "google", installations: 2, share: 0.4 },
    ]);
    expect(json.features).toEqual([
      { value: "emailAndPassword", installations: 3, share: 0.6 },
      { value: "cookieCache", installations: 2, share: 0.4 },
      { value: "cookieCacheStrategy=jwt", installations: 1, share: 0.2 },
    ]);
  });

  it("takes the latest init at or before the end of the range", async () => {
    // up to d2, E's configuration is its d2 init, with two-factor
    const reply = await get(`/v1/stats/adoption?from=${date(1)}&to=${date(3)}`);
    expect(reply.json).toMatchObject({ active: 4, configured: 4 });
    expect(reply.json.plugins).toEqual([
      { value: "admin", installations: 2, share: 0.5 },
      { value: "organization", installations: 2, share: 0.5 },
      { value: "two-factor", installations: 1, share: 0.25 },
    ]);
  });
});

describe("errors", () => {
  it("counts occurrences, installations and their share per code and type, and a daily series", async () => {
    const json = await stats("errors");
    expect(json.total).toEqual({ occurrences: 9, installations: 4, share: 0.8 });
    expect(json.codes).toEqual([
      { code: "INVALID_EMAIL_OR_PASSWORD", occurrences: 6, installations: 2, share: 0.4 },
      { code: "INTERNAL_SERVER_ERROR", occurrences: 2, installations: 1, share: 0.2 },
      { code: null, occurrences: 1, installations: 1, share: 0.2 },
    ]);
    expect(json.types).toEqual([
      { type: "APIError", occurrences: 8, installations: 3, share: 0.6 },
      { type: "TypeError", occurrences: 1, installations: 1, share: 0.2 },
    ]);
    expect(json.series.days).toHaveLength(8);
    expect(json.series.codes).toEqual([
      { code: "INVALID_EMAIL_OR_PASSWORD", occurrences: [0, 5, 0, 0, 1, 0, 0, 0] },
      { code: "INTERNAL_SERVER_ERROR", occurrences: [0, 2, 0, 0, 0, 0, 0, 0] },
      { code: null, occurrences: [0, 0, 1, 0, 0, 0, 0, 0] },
    ]);
  });
});

describe("requests", () => {
  it("sums requests per route and status class, with percentiles from the summed histograms", async () => {
    const json = await stats("requests");
    expect(json.total).toEqual({ requests: 57, statusClasses: { "2xx": 42, "3xx": 8, "4xx": 5, "5xx": 2 } });
    const [session, email, social] = json.routes;
    expect(session).toEqual({
      route: "/get-session",
      method: "GET",
      requests: 30,
      installations: 2,
      statusClasses: { "2xx": 30 },
      serverErrorRate: 0,
      meanMs: 1.5,
      // 30 requests in (1, 2]: rank p × 30 interpolated across the bucket
      p50Ms: 1.5,
      p95Ms: 1.95,
      p99Ms: 1.99,
    });
    // 19 requests: 5 in (2,5], 2 in (5,10], 6 in (10,25], 4 in (25,50], 2 over 10 s
    expect(email).toMatchObject({
      route: "/sign-in/email",
      method: "POST",
      requests: 19,
      installations: 3,
      statusClasses: { "2xx": 12, "4xx": 5, "5xx": 2 },
      p50Ms: 16.25, // rank 9.5 is the 2.5th of 6 in (10, 25]: 10 + 15 × 2.5/6
      p95Ms: 10_000, // rank 18.05 falls in the overflow bucket: its lower bound
      p99Ms: 10_000,
    });
    expect(email.serverErrorRate).toBeCloseTo(2 / 19, 12);
    expect(email.meanMs).toBeCloseTo(30_295 / 19, 9);
    // B's two batches (×5, ×3) were folded in two catch-ups and merged
    expect(social).toMatchObject({ route: "/sign-in/social", requests: 8, installations: 1, p50Ms: 75, p95Ms: 97.5 });
    expect(social.p99Ms).toBeCloseTo(99.5, 9);
    expect(json.series.statusClasses).toEqual({
      "2xx": [30, 0, 2, 6, 0, 0, 0, 4],
      "3xx": [0, 0, 8, 0, 0, 0, 0, 0],
      "4xx": [0, 5, 0, 0, 0, 0, 0, 0],
      "5xx": [0, 2, 0, 0, 0, 0, 0, 0],
    });
  });

  it("limits the routes listed", async () => {
    const json = await stats("requests", "&limit=1");
    expect(json.routes.map((r: { route: string }) => r.route)).toEqual(["/get-session"]);
    expect(json.total.requests).toBe(57);
  });
});

describe("auth", () => {
  it("counts successes, failures and success rate per method and provider, and failure reasons", async () => {
    const json = await stats("auth");
    expect(json.total).toEqual({
      successes: 15,
      failures: 6,
      successRate: 15 / 21,
      kinds: [
        { kind: "sign-in", successes: 13, failures: 6 },
        { kind: "sign-up", successes: 2, failures: 0 },
      ],
    });
    expect(json.groups).toEqual([
      { method: "email", provider: null, successes: 10, failures: 5, successRate: 10 / 15, installations: 1 },
      { method: "passkey", provider: null, successes: 3, failures: 0, successRate: 1, installations: 1 },
      { method: "social", provider: "github", successes: 2, failures: 1, successRate: 2 / 3, installations: 1 },
    ]);
    expect(json.reasons).toEqual([
      { reason: "INVALID_EMAIL_OR_PASSWORD", occurrences: 5, installations: 1 },
      { reason: "INVALID_TOKEN", occurrences: 1, installations: 1 },
    ]);
    expect(json.series).toMatchObject({ successes: [0, 10, 2, 3, 0, 0, 0, 0], failures: [0, 5, 1, 0, 0, 0, 0, 0] });
  });
});

describe("filters", () => {
  it("by runtime", async () => {
    const installations = await stats("installations", "&runtime=node");
    expect(installations).toMatchObject({ filter: { runtime: "node" }, active: 3 }); // A, B, E
    const requests = await stats("requests", "&runtime=node");
    expect(
      requests.routes.map((r: { route: string; requests: number; installations: number }) => [
        r.route,
        r.requests,
        r.installations,
      ]),
    ).toEqual([
      ["/get-session", 24, 1],
      ["/sign-in/email", 17, 2],
      ["/sign-in/social", 8, 1],
    ]);
  });

  it("by framework, per event: E counts for next on d2 and for express on d4", async () => {
    expect((await stats("installations", "&framework=hono")).active).toBe(2); // B, C
    expect((await stats("installations", "&framework=express")).active).toBe(1);
    const expressErrors = await stats("errors", "&framework=express");
    expect(expressErrors.codes).toEqual([
      { code: "INVALID_EMAIL_OR_PASSWORD", occurrences: 1, installations: 1, share: 1 },
    ]);
    const next = await stats("errors", "&framework=next");
    expect(next).toMatchObject({ active: 2, total: { occurrences: 5, installations: 1, share: 0.5 } });
  });

  it("by environment", async () => {
    const json = await stats("breakdowns", "&environment=production");
    expect(json.active).toBe(3); // A, B, D
    expect(json.dimensions.environment).toEqual([{ value: "production", installations: 3, share: 1 }]);
  });

  it("by additionalData key and value, several at once (all must match)", async () => {
    const region = await stats("errors", "&data=region:eu-west-1");
    expect(region.active).toBe(3); // A, D, E
    expect(region.codes).toEqual([
      { code: "INVALID_EMAIL_OR_PASSWORD", occurrences: 6, installations: 2, share: 2 / 3 },
    ]);
    expect((await stats("installations", "&data=tier:pro")).active).toBe(1);
    const both = await stats("installations", "&data=region:eu-west-1&data=tier:free");
    expect(both).toMatchObject({
      active: 1,
      filter: {
        data: [
          { key: "region", value: "eu-west-1" },
          { key: "tier", value: "free" },
        ],
      },
    });
    expect((await stats("installations", "&data=region:eu-west-1&runtime=node")).active).toBe(2); // A, E
    expect((await stats("installations", "&data=region:nowhere")).active).toBe(0);
  });

  it("treats empty parameters (a form's untouched fields) as absent", async () => {
    expect((await stats("installations", "&runtime=&framework=&data=")).active).toBe(5);
  });
});

describe("bad input", () => {
  it.each([
    ["data=region", "data[0]"],
    ["data=1region:x", "data[0]"],
    ["data=region:a%3Cb", "data[0]"],
    ["runtime=nodejs", "runtime"],
    ["from=yesterday", "from"],
    ["limit=0", "limit"],
    ["from=2026-01-10&to=2026-01-10", "from"],
    ["from=2024-01-01&to=2026-01-01", "to"],
  ])("answers 400 invalid_query for %s", async (query, path) => {
    const reply = await get(`/v1/stats/requests?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatchObject({ code: "invalid_query", path });
  });

  it("refuses unknown parameters", async () => {
    const reply = await get(`/v1/stats/errors?${RANGE}&region=eu`);
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe("invalid_query");
    expect(reply.json.error.message).toMatch(/region/);
  });

  it("refuses more than four data filters", async () => {
    const reply = await get(`/v1/stats/errors?${"&data=a:1".repeat(5)}`);
    expect(reply.status).toBe(400);
  });
});

describe("erasure", () => {
  it("removes an installation from every panel, in the same step as its events", async () => {
    const other = await startTestCollector();
    try {
      await seedFixture(other.url);
      const erased = await request(`${other.url}/v1/installations/${INSTALLATIONS.A}`, { method: "DELETE" });
      expect(erased.status).toBe(200);
      const read = async (panel: string) => (await request(`${other.url}/v1/stats/${panel}?${RANGE}`)).json;
      const installations = await read("installations");
      expect(installations).toMatchObject({ active: 4, new: 4 });
      expect(installations.daily[7]).toEqual({ date: date(7), active: 0, new: 0 });
      const requests = await read("requests");
      expect(requests.total.requests).toBe(57 - 39);
      expect(requests.routes.map((r: { route: string; requests: number }) => [r.route, r.requests])).toEqual([
        ["/sign-in/social", 8],
        ["/get-session", 6],
        ["/sign-in/email", 4],
      ]);
      const adoption = await read("adoption");
      expect(adoption.plugins).toEqual([
        { value: "admin", installations: 1, share: 0.25 },
        { value: "organization", installations: 1, share: 0.25 },
      ]);
      const auth = await read("auth");
      expect(auth.groups.map((g: { method: string }) => g.method)).toEqual(["passkey", "social"]);
      expect((await read("errors")).total).toEqual({ occurrences: 4, installations: 3, share: 0.75 });
      // nothing left of A's own additionalData value
      expect((await request(`${other.url}/v1/stats/installations?${RANGE}&data=tier:pro`)).json.active).toBe(0);
    } finally {
      await other.dispose();
    }
  });
});
