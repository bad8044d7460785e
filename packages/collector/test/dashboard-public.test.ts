/**
 * Public mode and the stats API's access rules, end to end. Suppression is
 * tested at its boundary on the fixture (test/support/dashboard-fixture.ts):
 * with k = 2, groups of exactly 2 installations are shown and groups of 1
 * are not; with k = 5, the fixture's 5 active installations are shown and
 * 4 (a shorter range) are withheld.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config.js";
import { spawnCollector, startTestCollector, type TestCollector } from "./support/collector.js";
import { date, seedFixture } from "./support/dashboard-fixture.js";
import { request } from "./support/http.js";
import { tempDir } from "./support/temp.js";

const TOKEN = "read-token-for-dashboard-tests-0123";
const RANGE = `from=${date(0)}&to=${date(8)}`;
const values = (list: { value: string | null }[]) => list.map((g) => g.value);

describe("public mode, k = 2", () => {
  let collector: TestCollector;
  const stats = async (panel: string, query = RANGE) => {
    const reply = await request(`${collector.url}/v1/stats/${panel}?${query}`);
    expect(reply.status, reply.text).toBe(200);
    return reply.json;
  };

  beforeAll(async () => {
    collector = await startTestCollector({ publicMode: { k: 2 }, readToken: TOKEN });
    await seedFixture(collector.url);
  });
  afterAll(() => collector.dispose());

  it("answers the stats API and the page without a token", async () => {
    expect((await request(`${collector.url}/v1/stats/installations?${RANGE}`)).status).toBe(200);
    expect((await request(`${collector.url}/?${RANGE}`)).status).toBe(200);
  });

  it("hides raw events (404, token or not) and keeps the read auth on overview and metrics", async () => {
    for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }] as Record<string, string>[]) {
      const events = await request(`${collector.url}/v1/events`, { headers });
      expect(events.status).toBe(404);
      expect(events.json.error.code).toBe("not_found");
    }
    expect((await request(`${collector.url}/v1/stats/overview`)).status).toBe(401);
    expect((await request(`${collector.url}/metrics`)).status).toBe(401);
  });

  it("shows groups of exactly k installations and suppresses groups of k - 1", async () => {
    const breakdowns = await stats("breakdowns");
    expect(breakdowns).toMatchObject({ k: 2, withheld: false, active: 5 });
    const d = breakdowns.dimensions;
    expect(values(d.runtime)).toEqual(["node"]); // 3; bun 1 and deno 1 hidden
    expect(d.runtimeVersion).toEqual([{ value: "node 22.21.1", installations: 2, share: 0.4 }]);
    expect(values(d.framework)).toEqual(["hono", "next"]); // 2 each; express and sveltekit 1
    expect(values(d.environment)).toEqual(["production"]);
    expect(values(d.betterAuthVersion)).toEqual(["1.7.25"]);
    expect(values(d.databaseKind)).toEqual(["postgres", "sqlite"]);
    expect(values(d.databaseAdapter)).toEqual(["kysely"]);
    expect(breakdowns.suppressed).toBe(2 + 3 + 2 + 2 + 2 + 1 + 3);

    const requests = await stats("requests");
    expect(requests.routes.map((r: { route: string; installations: number }) => [r.route, r.installations])).toEqual([
      ["/get-session", 2],
      ["/sign-in/email", 3],
    ]);
    expect(requests.suppressed).toBe(1); // /sign-in/social: one installation
    // totals still count every request: they name no group
    expect(requests.total.requests).toBe(57);

    const errors = await stats("errors");
    expect(errors.codes.map((c: { code: string }) => c.code)).toEqual(["INVALID_EMAIL_OR_PASSWORD"]);
    expect(errors.types.map((t: { type: string }) => t.type)).toEqual(["APIError"]);
    expect(errors.series.codes.map((c: { code: string }) => c.code)).toEqual(["INVALID_EMAIL_OR_PASSWORD"]);
    expect(errors.suppressed).toBe(3);

    const auth = await stats("auth");
    expect(auth).toMatchObject({ groups: [], reasons: [], suppressed: 5 });
    expect(auth.total.successes).toBe(15);

    const adoption = await stats("adoption");
    expect(values(adoption.plugins)).toEqual(["admin", "organization"]);
    expect(values(adoption.features)).toEqual(["emailAndPassword", "cookieCache"]);
    expect(adoption.suppressed).toBe(1);
  });

  it("withholds everything about a filtered population smaller than k", async () => {
    const json = await stats("errors", `${RANGE}&data=tier:pro`);
    expect(json).toMatchObject({ withheld: true, active: null, total: null, codes: [], types: [] });
    const installations = await stats("installations", `${RANGE}&data=tier:pro`);
    expect(installations).toMatchObject({ withheld: true, active: null, new: null, daily: [], weekly: [] });
    expect((await stats("installations", `${RANGE}&data=region:eu-west-1`)).withheld).toBe(false); // 3
  });

  it("applies the same suppression on the page", async () => {
    const page = (await request(`${collector.url}/?${RANGE}`)).text;
    expect(page).toContain("public view · k = 2");
    expect(page).toContain("/get-session");
    expect(page).not.toContain("/sign-in/social");
    expect(page).not.toContain("INTERNAL_SERVER_ERROR");
    expect(page).not.toContain("sveltekit</th>");
    const withheld = (await request(`${collector.url}/?${RANGE}&data=tier:pro`)).text;
    expect(withheld).toContain("Too few installations to show");
    expect(withheld).not.toContain("data-stat=");
  });
});

describe("public mode, default k = 5", () => {
  let collector: TestCollector;
  beforeAll(async () => {
    collector = await startTestCollector({ publicMode: { k: 5 } });
    await seedFixture(collector.url);
  });
  afterAll(() => collector.dispose());

  it("shows a population of exactly k and withholds one of k - 1", async () => {
    const five = (await request(`${collector.url}/v1/stats/breakdowns?${RANGE}`)).json;
    expect(five).toMatchObject({ withheld: false, active: 5 });
    // no single value reaches 5 installations
    expect(Object.values(five.dimensions).flat()).toEqual([]);
    const four = (await request(`${collector.url}/v1/stats/breakdowns?from=${date(1)}&to=${date(3)}`)).json;
    expect(four).toMatchObject({ withheld: true, active: null });
  });
});

describe("private collector with a read token", () => {
  let collector: TestCollector;
  beforeAll(async () => {
    collector = await startTestCollector({ readToken: TOKEN });
    await seedFixture(collector.url, { authorization: `Bearer ${TOKEN}` });
  });
  afterAll(() => collector.dispose());

  it("asks a browser for the token with a Basic challenge, and takes it as Bearer or as Basic password", async () => {
    for (const path of ["/", `/v1/stats/requests?${RANGE}`]) {
      const anonymous = await request(`${collector.url}${path}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers["www-authenticate"]).toMatch(/^Basic realm="Better Auth Telemetry"/);
      const wrong = await request(`${collector.url}${path}`, {
        headers: { authorization: `Basic ${Buffer.from("me:not-the-token").toString("base64")}` },
      });
      expect(wrong.status).toBe(401);
      const basic = await request(`${collector.url}${path}`, {
        headers: { authorization: `Basic ${Buffer.from(`anyone:${TOKEN}`).toString("base64")}` },
      });
      expect(basic.status).toBe(200);
      const bearer = await request(`${collector.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(bearer.status).toBe(200);
    }
    const ok = await request(`${collector.url}/v1/stats/requests?${RANGE}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    // a private collector shows every group
    expect(ok.json).toMatchObject({ k: null, suppressed: 0 });
    expect(ok.json.routes).toHaveLength(3);
  });

  it("serves the page's static files to anyone: they hold no data", async () => {
    for (const path of ["/dashboard/chart.umd.min.js", "/dashboard/dashboard.js", "/dashboard/dashboard.css"]) {
      const reply = await request(`${collector.url}${path}`);
      expect(reply.status).toBe(200);
      const again = await request(`${collector.url}${path}`, { headers: { "if-none-match": reply.headers.etag! } });
      expect(again.status).toBe(304);
    }
  });

  it("keeps raw events reachable with the token", async () => {
    const reply = await request(`${collector.url}/v1/events?limit=1`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(reply.status).toBe(200);
  });
});

describe("--public", () => {
  it("is a switch with a variable, and takes k", () => {
    const parse = (argv: string[], env: Record<string, string> = {}) => parseConfig({ argv, env, cwd: "/srv" });
    expect(parse([]).publicMode).toBeUndefined();
    expect(parse(["--public"]).publicMode).toEqual({ k: 5 });
    expect(parse(["--public", "--public-k=3"]).publicMode).toEqual({ k: 3 });
    expect(parse([], { COLLECTOR_PUBLIC: "1", COLLECTOR_PUBLIC_K: "7" }).publicMode).toEqual({ k: 7 });
    expect(parse([], { COLLECTOR_PUBLIC: "0" }).publicMode).toBeUndefined();
    expect(() => parse(["--public", "--public-k=0"])).toThrow(/public-k/);
  });

  it("starts the CLI in public mode", async () => {
    const dir = tempDir();
    const cli = await spawnCollector([
      "serve",
      "--port=0",
      `--db=${dir.file("events.duckdb")}`,
      "--public",
      "--public-k=3",
      "--log-level=warn",
    ]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(cli.output()).toContain(`dashboard: ${cli.url}/ (public, groups under 3 installations hidden)`);
      expect((await request(`${cli.url}/v1/events`)).status).toBe(404);
      const page = await request(`${cli.url}/`);
      expect(page.status).toBe(200);
      expect(page.text).toContain("No events yet");
      expect(page.text).toContain(`${cli.url}/v1/events`);
    } finally {
      cli.child.kill("SIGTERM");
      await cli.exited;
      dir.remove();
    }
  });
});
