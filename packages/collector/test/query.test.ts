/** The read API, its auth, and erasure, end to end. */
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wireBatch, wireEvent } from "./support/batches.js";
import { startTestCollector, type TestCollector } from "./support/collector.js";
import { GatedStore } from "./support/gated-store.js";
import { post, request } from "./support/http.js";
import { tempDir } from "./support/temp.js";

const TOKEN = "read-token-for-tests-0123456789";
const A = "0190a0b0-0000-4000-8000-00000000000a";
const B = "0190a0b0-0000-4000-8000-00000000000b";

/** This machine's first non-loopback IPv4 address, to reach the collector as a remote client would. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

describe("read API without a token", () => {
  let collector: TestCollector;
  beforeAll(async () => {
    collector = await startTestCollector({ host: "0.0.0.0" });
    const t0 = Date.UTC(2026, 0, 1);
    const day = 86_400_000;
    await post(
      `${collector.url}/v1/events`,
      wireBatch({ installationId: A }, [wireEvent("init", { ts: t0 }), wireEvent("api_request", { ts: t0 + day })]),
    );
    await post(
      `${collector.url}/v1/events`,
      wireBatch({ installationId: B }, [
        wireEvent("auth_success", { ts: t0 + 2 * day }),
        wireEvent("auth_failure", { ts: t0 + 3 * day }),
      ]),
    );
  });
  afterAll(() => collector.dispose());

  it("answers loopback clients", async () => {
    const reply = await request(`${collector.url}/v1/stats/overview`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      from: null,
      to: null,
      events: { init: 1, api_request: 3, error: 0, auth_success: 4, auth_failure: 5 },
      installations: 2,
    });
  });

  it("filters the overview by time, with ISO dates or Unix milliseconds", async () => {
    const reply = await request(`${collector.url}/v1/stats/overview?from=2026-01-02&to=${Date.UTC(2026, 0, 4)}`);
    expect(reply.json).toEqual({
      from: Date.UTC(2026, 0, 2),
      to: Date.UTC(2026, 0, 4),
      events: { init: 0, api_request: 3, error: 0, auth_success: 4, auth_failure: 0 },
      installations: 2,
    });
    const bad = await request(`${collector.url}/v1/stats/overview?from=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: "invalid_query", path: "from" });
  });

  it("lists the newest events as stored, by type, installation and limit", async () => {
    const all = await request(`${collector.url}/v1/events`);
    expect(all.json.events.map((e: { type: string }) => e.type)).toEqual([
      "auth_failure",
      "auth_success",
      "api_request",
      "init",
    ]);
    const one = await request(`${collector.url}/v1/events?type=init&limit=1`);
    expect(one.json.events).toHaveLength(1);
    expect(one.json.events[0]).toMatchObject({
      type: "init",
      installationId: A,
      source: "sdk",
      context: { runtime: "node" },
    });
    const byInstallation = await request(`${collector.url}/v1/events?installationId=${B.toUpperCase()}`);
    expect(byInstallation.json.events.map((e: { installationId: string }) => e.installationId)).toEqual([B, B]);
  });

  it.each([["limit=0"], ["limit=1001"], ["limit=ten"], ["type=page_view"], ["installationId=acme"]])(
    "refuses ?%s with 400",
    async (query) => {
      const reply = await request(`${collector.url}/v1/events?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.json.error.code).toBe("invalid_query");
    },
  );

  it("accepts limit=1000", async () => {
    expect((await request(`${collector.url}/v1/events?limit=1000`)).status).toBe(200);
  });

  it("treats a request relayed by a proxy as not local", async () => {
    for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
      const reply = await request(`${collector.url}/v1/events`, { headers: { [header]: "203.0.113.9" } });
      expect(reply.status).toBe(403);
      expect(reply.json.error.code).toBe("forbidden");
    }
  });

  it.skipIf(!external)("refuses clients on other addresses, /metrics included", async () => {
    const port = new URL(collector.url).port;
    for (const path of ["/v1/stats/overview", "/v1/events", "/metrics"]) {
      const reply = await request(`http://${external}:${port}${path}`);
      expect(reply.status).toBe(403);
      expect(reply.json.error.code).toBe("forbidden");
    }
    // ingest stays open to everyone
    expect((await post(`http://${external}:${port}/v1/events`, wireBatch())).status).toBe(200);
  });
});

describe("read API with a token", () => {
  let collector: TestCollector;
  beforeAll(async () => {
    collector = await startTestCollector({ readToken: TOKEN });
  });
  afterAll(() => collector.dispose());

  it("needs the token even from loopback", async () => {
    for (const path of ["/v1/stats/overview", "/v1/events", "/metrics"]) {
      const missing = await request(`${collector.url}${path}`);
      expect(missing.status).toBe(401);
      expect(missing.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(missing.json.error.code).toBe("unauthorized");
      const wrong = await request(`${collector.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}x` } });
      expect(wrong.status).toBe(401);
      const basic = await request(`${collector.url}${path}`, { headers: { authorization: `Basic ${TOKEN}` } });
      expect(basic.status).toBe(401);
      const right = await request(`${collector.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.status).toBe(200);
    }
  });

  it("accepts the token through a proxy", async () => {
    const reply = await request(`${collector.url}/v1/events`, {
      headers: { authorization: `bearer ${TOKEN}`, "x-forwarded-for": "203.0.113.9" },
    });
    expect(reply.status).toBe(200);
  });

  it("leaves health and ingest open", async () => {
    expect((await request(`${collector.url}/healthz`)).json).toEqual({ status: "ok" });
    expect((await request(`${collector.url}/readyz`)).json).toEqual({ status: "ready" });
    expect((await post(`${collector.url}/v1/events`, wireBatch())).status).toBe(200);
  });
});

describe("DELETE /v1/installations/:id", () => {
  it("erases everything of that installation, needing no token, and nothing else", async () => {
    const collector = await startTestCollector({ readToken: TOKEN });
    try {
      await post(`${collector.url}/v1/events`, wireBatch({ installationId: A }));
      await post(`${collector.url}/v1/events`, wireBatch({ installationId: A }));
      await post(`${collector.url}/v1/events`, wireBatch({ installationId: B }));
      const reply = await request(`${collector.url}/v1/installations/${A}`, { method: "DELETE" });
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ erased: 10 });
      const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
      const left = await request(`${collector.url}/v1/events?limit=100`, auth);
      expect(left.json.events).toHaveLength(5);
      expect(left.json.events.every((e: { installationId: string }) => e.installationId === B)).toBe(true);
      expect((await request(`${collector.url}/v1/stats/overview`, auth)).json.installations).toBe(1);
      expect((await request(`${collector.url}/v1/installations/${A}`, { method: "DELETE" })).json).toEqual({
        erased: 0,
      });
      const invalid = await request(`${collector.url}/v1/installations/not-a-uuid`, { method: "DELETE" });
      expect(invalid.status).toBe(400);
      expect(invalid.json.error).toMatchObject({ code: "invalid_id", path: "id" });
    } finally {
      await collector.dispose();
    }
  });

  it("waits for that installation's batches already accepted into the queue", async () => {
    const dir = tempDir();
    const store = await GatedStore.open(dir.file("gated.duckdb"));
    const collector = await startTestCollector({ store });
    try {
      store.closeGate();
      const accepted = post(`${collector.url}/v1/events`, wireBatch({ installationId: A }));
      await store.waitForInsert();
      const erased = request(`${collector.url}/v1/installations/${A}`, { method: "DELETE" });
      await new Promise((r) => setTimeout(r, 50));
      store.openGate();
      expect((await accepted).status).toBe(200);
      expect((await erased).json).toEqual({ erased: 5 });
      expect((await request(`${collector.url}/v1/events`)).json.events).toEqual([]);
    } finally {
      await collector.dispose();
      dir.remove();
    }
  });
});
