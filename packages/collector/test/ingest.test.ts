/** POST /v1/events end to end: real HTTP on loopback, a real DuckDB file. */
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manyEvents, wireBatch, wireEvent } from "./support/batches.js";
import { startTestCollector, type TestCollector } from "./support/collector.js";
import { post, type Reply, request } from "./support/http.js";

const MAX_BODY = 8 * 1024;
const MAX_DECODED = 64 * 1024;

let collector: TestCollector;
let events: string;

beforeAll(async () => {
  collector = await startTestCollector({ limits: { maxBodyBytes: MAX_BODY, maxDecodedBytes: MAX_DECODED } });
  events = `${collector.url}/v1/events`;
});
afterAll(() => collector.dispose());

/** Occurrences stored so far, all types together. */
async function storedTotal(): Promise<number> {
  const reply = await request(`${collector.url}/v1/stats/overview`);
  return Object.values(reply.json.events as Record<string, number>).reduce((a, b) => a + b, 0);
}

/** Asserts the refusal's status, code and body shape, and that nothing was stored by it. */
async function expectRefusal(send: () => Promise<Reply>, status: number, code: string, path?: string | null) {
  const before = await storedTotal();
  const reply = await send();
  expect(reply.status).toBe(status);
  expect(reply.headers["content-type"]).toMatch(/^application\/json/);
  expect(Object.keys(reply.json)).toEqual(["error"]);
  expect(Object.keys(reply.json.error)).toEqual(["code", "message", "path"]);
  expect(reply.json.error.code).toBe(code);
  expect(reply.json.error.message).toEqual(expect.any(String));
  if (path !== undefined) expect(reply.json.error.path).toBe(path);
  else expect(reply.json.error.path === null || typeof reply.json.error.path === "string").toBe(true);
  expect(await storedTotal()).toBe(before);
  return reply;
}

/** A valid batch padded (with a field the allow-list drops) to exactly `size` bytes of JSON. */
function paddedBatch(size: number): string {
  const base = wireBatch({ pad: "" }, [wireEvent("api_request")]);
  const bare = JSON.stringify(base).length;
  return JSON.stringify({ ...base, pad: "x".repeat(size - bare) });
}

describe("POST /v1/events", () => {
  it("stores a valid batch and answers what it did", async () => {
    const batch = wireBatch();
    const reply = await post(events, batch);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ accepted: 5, duplicates: 0, dropped: 0 });
    const stored = await request(`${collector.url}/v1/events?limit=5`);
    const ids = (batch.events as { id: string }[]).map((e) => e.id).sort();
    expect(stored.json.events.map((e: { id: string }) => e.id).sort()).toEqual(ids);
  });

  it("stores a retried batch once", async () => {
    const batch = wireBatch();
    const before = await storedTotal();
    expect((await post(events, batch)).json).toEqual({ accepted: 5, duplicates: 0, dropped: 0 });
    const retries = await Promise.all([post(events, batch), post(events, batch), post(events, batch)]);
    for (const r of retries) expect(r.json).toEqual({ accepted: 0, duplicates: 5, dropped: 0 });
    // init 1 + api_request 3 + error 2 + auth_success 4 + auth_failure 5: counts are summed, not rows
    expect(await storedTotal()).toBe(before + 15);
  });

  it("accepts gzip", async () => {
    const reply = await post(events, gzipSync(JSON.stringify(wireBatch())), {
      headers: { "content-type": "application/json; charset=utf-8", "content-encoding": "gzip" },
    });
    expect(reply.json).toEqual({ accepted: 5, duplicates: 0, dropped: 0 });
  });

  it("drops what fails the allow-list, keeps the rest, and says how many events it dropped", async () => {
    const bad = wireEvent("api_request");
    bad.props.route = "/users/8123/profile";
    const good = wireEvent("auth_success");
    good.props.email = "jane@example.com";
    const reply = await post(
      events,
      wireBatch({ additionalData: { region: "eu", who: "jane@example.com" } }, [bad, good]),
    );
    expect(reply.json).toEqual({ accepted: 1, duplicates: 0, dropped: 1 });
    const [stored] = (await request(`${collector.url}/v1/events?limit=1`)).json.events;
    expect(stored.id).toBe(good.id);
    expect(JSON.stringify(stored)).not.toContain("jane@example.com");
    expect(stored.additionalData).toEqual({ region: "eu" });
  });

  it("accepts exactly 500 events and refuses 501 with 413 too_many_events", async () => {
    const full = wireBatch({}, manyEvents(500));
    const limits = { maxBodyBytes: 1024 * 1024, maxDecodedBytes: 4 * 1024 * 1024 };
    const big = await startTestCollector({ limits });
    try {
      expect((await post(`${big.url}/v1/events`, full)).json).toMatchObject({ accepted: 500 });
      const reply = await post(`${big.url}/v1/events`, wireBatch({}, manyEvents(501)));
      expect(reply.status).toBe(413);
      expect(reply.json.error).toMatchObject({ code: "too_many_events", path: "events" });
    } finally {
      await big.dispose();
    }
  });

  it("accepts a body of exactly maxBodyBytes and refuses one byte more with 413", async () => {
    const exact = paddedBatch(MAX_BODY);
    expect(Buffer.byteLength(exact)).toBe(MAX_BODY);
    expect((await post(events, exact, { headers: { "content-type": "application/json" } })).status).toBe(200);
    await expectRefusal(
      () => post(events, paddedBatch(MAX_BODY + 1), { headers: { "content-type": "application/json" } }),
      413,
      "body_too_large",
      null,
    );
    // without Content-Length the count happens while reading
    await expectRefusal(
      () => post(events, paddedBatch(MAX_BODY + 1), { headers: { "content-type": "application/json" }, chunked: true }),
      413,
      "body_too_large",
      null,
    );
  });

  it("inflates gzip to exactly maxDecodedBytes and refuses one byte more with 413", async () => {
    const gzip = { "content-type": "application/json", "content-encoding": "gzip" };
    const exact = paddedBatch(MAX_DECODED);
    expect((await post(events, gzipSync(exact), { headers: gzip })).status).toBe(200);
    await expectRefusal(
      () => post(events, gzipSync(paddedBatch(MAX_DECODED + 1)), { headers: gzip }),
      413,
      "decoded_body_too_large",
      null,
    );
  });

  it("refuses a gzip bomb without inflating it and keeps serving", async () => {
    // 128 MiB of zeros in ~128 KiB: inflating it whole would take a second and all that memory
    const bomb = gzipSync(Buffer.alloc(128 * 1024 * 1024), { level: 9 });
    const roomy = await startTestCollector({ limits: { maxBodyBytes: 1024 * 1024 } });
    try {
      const before = process.memoryUsage().rss;
      const started = performance.now();
      const reply = await post(`${roomy.url}/v1/events`, bomb, {
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      });
      expect(reply.status).toBe(413);
      expect(reply.json.error.code).toBe("decoded_body_too_large");
      expect(performance.now() - started).toBeLessThan(3000);
      expect(process.memoryUsage().rss - before).toBeLessThan(128 * 1024 * 1024);
      expect((await post(`${roomy.url}/v1/events`, wireBatch())).status).toBe(200);
    } finally {
      await roomy.dispose();
    }
  });

  it("accepts nesting of exactly 20 levels (the extra field is dropped) and refuses 21 with 400", async () => {
    // the batch object is level 1, so `extra` holding 19 nested objects makes 20
    const nest = (levels: number): unknown => (levels === 0 ? 1 : { n: nest(levels - 1) });
    expect((await post(events, wireBatch({ extra: nest(19) }))).status).toBe(200);
    await expectRefusal(() => post(events, wireBatch({ extra: nest(20) })), 400, "too_deep");
  });

  it.each(["__proto__", "constructor", "prototype"])("refuses a %s key with 400", async (key) => {
    const body = JSON.stringify(wireBatch()).replace('"context":{', `"context":{"${key}":{"isAdmin":true},`);
    await expectRefusal(
      () => post(events, body, { headers: { "content-type": "application/json" } }),
      400,
      "forbidden_key",
      `context.${key}`,
    );
  });

  it("refuses invalid JSON with 400", async () => {
    await expectRefusal(
      () => post(events, '{"v":1,"events":[', { headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
      null,
    );
    await expectRefusal(
      () => post(events, "", { headers: { "content-type": "application/json" } }),
      400,
      "invalid_json",
    );
    await expectRefusal(
      () =>
        post(events, Buffer.from("not gzip"), {
          headers: { "content-type": "application/json", "content-encoding": "gzip" },
        }),
      400,
      "invalid_gzip",
    );
  });

  it("refuses wrong types and unknown event types with 422, naming the path", async () => {
    const wrongType = wireEvent("api_request");
    wrongType.props.count = "3";
    await expectRefusal(
      () => post(events, wireBatch({}, [wireEvent(), wrongType])),
      422,
      "invalid_batch",
      "events[1].props.count",
    );
    await expectRefusal(
      () => post(events, wireBatch({}, [wireEvent(), { ...wireEvent(), type: "page_view" }])),
      422,
      "invalid_batch",
      "events[1].type",
    );
    await expectRefusal(
      () => post(events, wireBatch({ context: { runtime: "node" } })),
      422,
      "invalid_batch",
      "context.environment",
    );
    await expectRefusal(() => post(events, wireBatch({}, [])), 422, "invalid_batch", "events");
    await expectRefusal(() => post(events, [wireBatch()]), 422, "invalid_batch", "");
    await expectRefusal(() => post(events, wireBatch({ v: 2 })), 422, "unsupported_version", "v");
    await expectRefusal(
      () => post(events, wireBatch({ installationId: "acme-prod" })),
      422,
      "invalid_batch",
      "installationId",
    );
  });

  it("refuses other content types and encodings with 415", async () => {
    const body = JSON.stringify(wireBatch());
    await expectRefusal(
      () => post(events, body, { headers: { "content-type": "text/plain" } }),
      415,
      "unsupported_media_type",
    );
    await expectRefusal(
      () => post(events, body, { headers: { "content-type": "application/x-www-form-urlencoded" } }),
      415,
      "unsupported_media_type",
    );
    await expectRefusal(() => post(events, body), 415, "unsupported_media_type");
    await expectRefusal(
      () => post(events, body, { headers: { "content-type": "application/json", "content-encoding": "br" } }),
      415,
      "unsupported_encoding",
    );
  });

  it("answers unknown routes with the same error shape", async () => {
    const reply = await request(`${collector.url}/v2/events`, { method: "POST", body: {} });
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({ error: { code: "not_found", message: "no such route", path: null } });
  });

  it("counts what it did in /metrics", async () => {
    const text = (await request(`${collector.url}/metrics`)).text;
    expect(text).toMatch(/collector_events_total\{outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/collector_events_total\{outcome="duplicate"\} [1-9]/);
    expect(text).toMatch(/collector_events_total\{outcome="dropped"\} [1-9]/);
    expect(text).toMatch(/collector_rejections_total\{code="too_deep"\} 1/);
    expect(text).toMatch(/collector_http_requests_total\{route="\/v1\/events",method="POST",status="200"\}/);
    expect(text).toMatch(/collector_commit_duration_seconds_count [1-9]/);
    expect(text).toMatch(/collector_queue_events 0/);
  });
});
