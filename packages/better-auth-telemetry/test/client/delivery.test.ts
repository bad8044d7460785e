/** Delivery against a real HTTP endpoint on 127.0.0.1: batching, gzip, retries, refusals, bounds. */
import { afterEach, describe, expect, it } from "vitest";
import { createTelemetry, type TelemetryOptions } from "../../src/client/index.js";
import { refusedUrl, type Sink, startSink } from "../support/sink.js";

const sinks: Sink[] = [];
const clients: ReturnType<typeof createTelemetry>[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.shutdown({ timeoutMs: 100 })));
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});

async function sink(respond?: Sink["respond"]) {
  const s = await startSink(respond);
  sinks.push(s);
  return s;
}

function client(options: TelemetryOptions) {
  const c = createTelemetry({
    enabled: true,
    installationIdPath: false,
    flushIntervalMs: 60_000,
    logger: { warn() {}, debug() {} },
    ...options,
  });
  clients.push(c);
  return c;
}

const request = (route: string, status = 200) => ({ route, method: "GET", status, durationMs: 1 });
const eventCount = (s: Sink) => s.batches().reduce((n, b) => n + b.events.length, 0);

describe("batching", () => {
  it("sends a full batch at once, without waiting for the interval", async () => {
    const s = await sink();
    const t = client({ endpoint: s.url, maxBatchSize: 5 });
    for (let i = 0; i < 5; i++) t.track("api_request", request(`/route-${i}`));
    await s.waitFor(() => eventCount(s) === 5, 3000);
    expect(s.requests).toHaveLength(1);
  });

  it("sends what is queued when the interval fires", async () => {
    const s = await sink();
    const t = client({ endpoint: s.url, flushIntervalMs: 100 });
    t.track("auth_success", { method: "email" });
    await s.waitFor(() => eventCount(s) === 1, 3000);
    expect(s.batches()[0]!.events[0]).toMatchObject({ type: "auth_success", props: { method: "email", count: 1 } });
  });

  it("splits a flush into batches of maxBatchSize", async () => {
    const s = await sink();
    const t = client({ endpoint: s.url, maxBatchSize: 10, maxQueueSize: 100 });
    for (let i = 0; i < 9; i++) t.track("api_request", request(`/r${i}`));
    for (let i = 0; i < 9; i++) t.track("api_request", request(`/r${i}`, 500));
    await t.flush();
    expect(s.batches().map((b) => b.events.length)).toEqual([10, 8]);
  });
});

describe("on the wire", () => {
  it("gzips large bodies and sends small ones plain, always as JSON", async () => {
    const s = await sink();
    const t = client({ endpoint: s.url });
    t.track("auth_success", { method: "email" });
    await t.flush();
    for (let i = 0; i < 50; i++) t.track("api_request", request(`/route-${i}`));
    await t.flush();
    expect(s.requests.map((r) => r.headers["content-encoding"])).toEqual([undefined, "gzip"]);
    expect(s.requests.every((r) => r.headers["content-type"] === "application/json")).toBe(true);
    expect(s.requests[1]!.raw.length).toBeLessThan(s.requests[1]!.text.length / 3);
    expect(s.batches()[1]!.events).toHaveLength(50);
  });

  it("sends exactly the headers docs/privacy.md lists: no cookie, authorization or user agent", async () => {
    const s = await sink();
    const t = client({ endpoint: s.url });
    t.track("auth_success", { method: "email" });
    await t.flush();
    expect(Object.keys(s.requests[0]!.headers).sort()).toEqual([
      "connection",
      "content-length",
      "content-type",
      "host",
    ]);
  });

  it("gives every event a distinct UUIDv7 and stamps the batch with the anonymous context", async () => {
    const s = await sink();
    const t = client({ endpoint: s.url, additionalData: { region: "us-east-1" } });
    t.track("auth_success", { method: "email" });
    t.track("auth_failure", { method: "email", reason: "INVALID_EMAIL_OR_PASSWORD" });
    await t.flush();
    const [batch] = s.batches();
    expect(batch).toMatchObject({
      v: 1,
      idKind: "ephemeral",
      additionalData: { region: "us-east-1" },
      context: { runtime: "node" },
    });
    expect(new Set(batch!.events.map((e) => e.id)).size).toBe(2);
    for (const e of batch!.events) expect(e.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });
});

describe("retries", () => {
  it("retries a 503 after its Retry-After and delivers the same events once", async () => {
    const s = await sink((n) => (n === 0 ? { status: 503, headers: { "retry-after": "1" } } : { status: 202 }));
    const t = client({ endpoint: s.url });
    t.track("auth_success", { method: "email" });
    await t.flush({ timeoutMs: 5000 });
    expect(s.requests).toHaveLength(2);
    expect(s.requests[1]!.at - s.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(s.batches()[1]!.events.map((e) => e.id)).toEqual(s.batches()[0]!.events.map((e) => e.id));
  });

  it("retries 429 and 500 too", async () => {
    const s = await sink((n) =>
      n === 0
        ? { status: 429, headers: { "retry-after": "0" } }
        : n === 1
          ? { status: 500, headers: { "retry-after": "0" } }
          : { status: 200 },
    );
    const t = client({ endpoint: s.url });
    t.track("auth_success", { method: "email" });
    await t.flush({ timeoutMs: 5000 });
    expect(s.requests.length).toBe(3);
  });

  it.each([400, 413, 422])("does not retry a %i, and goes on with the next batch", async (status) => {
    const s = await sink((n) => (n === 0 ? { status } : { status: 202 }));
    const t = client({ endpoint: s.url });
    t.track("auth_success", { method: "email" });
    await t.flush();
    await new Promise((r) => setTimeout(r, 300));
    expect(s.requests).toHaveLength(1);
    t.track("auth_failure", { method: "email" });
    await t.flush();
    expect(s.requests).toHaveLength(2);
    expect(s.batches()[1]!.events[0]!.type).toBe("auth_failure");
  });

  it("keeps events through a refused connection and delivers them once the endpoint is back", async () => {
    const url = await refusedUrl();
    const t = client({ endpoint: url });
    t.track("auth_success", { method: "email" });
    const started = Date.now();
    await t.flush({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(1000);
    const s = await startSink(undefined, Number(new URL(url).port));
    sinks.push(s);
    await t.flush({ timeoutMs: 5000 });
    expect(eventCount(s)).toBe(1);
    expect(s.batches()[0]!.events[0]).toMatchObject({ type: "auth_success", props: { count: 1 } });
  });

  it("gives up on an endpoint that never answers after timeoutMs, and flush resolves", async () => {
    const s = await sink(() => "hang");
    const t = client({ endpoint: s.url, timeoutMs: 200 });
    t.track("auth_success", { method: "email" });
    const started = Date.now();
    await t.flush({ timeoutMs: 2000 });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(s.requests.length).toBeGreaterThanOrEqual(1);
  });

  it("retries after a connection reset", async () => {
    const s = await sink((n) => (n === 0 ? "reset" : { status: 202 }));
    const t = client({ endpoint: s.url });
    t.track("auth_success", { method: "email" });
    await t.flush({ timeoutMs: 5000 });
    expect(eventCount(s)).toBe(2); // once on the reset request (recorded before the reset), once delivered
    expect(s.requests[1]!.batch!.events[0]!.id).toBe(s.requests[0]!.batch!.events[0]!.id);
  });
});

describe("bounds", () => {
  it("drops the oldest past maxQueueSize and reports how many in the next batch", async () => {
    const s = await sink((n) => (n === 0 ? { status: 503, headers: { "retry-after": "1" } } : { status: 202 }));
    const t = client({ endpoint: s.url, maxQueueSize: 10, maxBatchSize: 100 });
    for (let i = 0; i < 10; i++) t.track("api_request", request(`/a${i}`));
    await t.flush({ timeoutMs: 100 }); // first attempt fails with 503; 10 events wait
    for (let i = 0; i < 5; i++) t.track("api_request", request(`/b${i}`));
    await t.flush({ timeoutMs: 5000 });
    const delivered = s.batches().at(-1)!;
    expect(delivered.events).toHaveLength(10);
    expect(delivered.dropped).toBe(5);
    expect(delivered.events.map((e) => e.props.route)).toContain("/b4");
  });
});

describe("additionalData", () => {
  it("merges what may travel into every batch and warns, once and without the value, about the rest", async () => {
    const s = await sink();
    const warnings: string[] = [];
    const t = client({
      endpoint: s.url,
      additionalData: { region: "eu-west-1", replicas: 3, host: "app.acme.io", nested: { a: 1 } as never },
      logger: { warn: (m) => warnings.push(m), debug() {} },
    });
    t.track("auth_success", { method: "email" });
    await t.flush();
    t.track("auth_failure", { method: "email" });
    await t.flush();
    expect(s.batches().map((b) => b.additionalData)).toEqual([
      { region: "eu-west-1", replicas: 3 },
      { region: "eu-west-1", replicas: 3 },
    ]);
    expect(warnings).toEqual([
      "additionalData.host not sent: looks like domain",
      "additionalData.nested not sent: not a string",
    ]);
    expect(`${warnings.join()}${s.allText()}`).not.toContain("acme");
  });
});

describe("aggregation on the wire", () => {
  it("sends 100,000 requests of one window as a few records, in a few kilobytes, every call counted", async () => {
    const s = await sink();
    const t = client({ endpoint: s.url });
    const routes = ["/get-session", "/sign-in/email", "/sign-up/email", "/sign-out", "/callback/:id"];
    for (let i = 0; i < 100_000; i++) {
      t.track("api_request", { route: routes[i % 5]!, method: "POST", status: i % 7 ? 200 : 401, durationMs: i % 300 });
    }
    await t.flush();
    const events = s.batches().flatMap((b) => b.events);
    expect(events).toHaveLength(10); // 5 routes × 2 statuses
    const counted = events.reduce((n, e) => n + (e.props.count as number), 0);
    expect(counted).toBe(100_000);
    for (const e of events) {
      const { buckets } = e.props.duration as { buckets: number[] };
      expect(buckets.reduce((a, b) => a + b, 0)).toBe(e.props.count);
    }
    const bytes = s.requests.reduce((n, r) => n + r.raw.length, 0);
    expect(bytes).toBeLessThan(4096);
  });
});

describe("debug and waitUntil", () => {
  it("prints payloads instead of sending them when BETTER_AUTH_TELEMETRY_DEBUG=1", async () => {
    const s = await sink();
    const lines: string[] = [];
    const t = client({
      endpoint: s.url,
      env: { BETTER_AUTH_TELEMETRY_DEBUG: "1" },
      logger: { warn() {}, debug: (m) => lines.push(m) },
    });
    expect(t.status()).toMatchObject({ enabled: true, debug: true });
    t.track("auth_success", { method: "email" });
    await t.flush();
    expect(s.requests).toHaveLength(0);
    expect(lines.join("\n")).toContain('"auth_success"');
  });

  it("prints payloads instead of sending them in debug mode", async () => {
    const s = await sink();
    const lines: string[] = [];
    const t = client({ endpoint: s.url, debug: true, logger: { warn() {}, debug: (m) => lines.push(m) } });
    t.track("auth_success", { method: "email" });
    await t.flush();
    expect(s.requests).toHaveLength(0);
    expect(lines.join("\n")).toContain('"auth_success"');
  });

  it("hands each delivery to waitUntil", async () => {
    const s = await sink();
    const promises: Promise<unknown>[] = [];
    const t = client({ endpoint: s.url, waitUntil: (p) => promises.push(p) });
    t.track("auth_success", { method: "email" });
    await t.flush();
    expect(promises.length).toBeGreaterThanOrEqual(1);
    await Promise.all(promises);
    expect(eventCount(s)).toBe(1);
  });
});

describe("opted out", () => {
  it.each([
    [{ enabled: false }, "option:enabled"],
    [{ env: { BETTER_AUTH_TELEMETRY: "0" } }, "env:BETTER_AUTH_TELEMETRY"],
    [{ env: { DO_NOT_TRACK: "1" } }, "env:DO_NOT_TRACK"],
  ])("%j sends nothing and says why", async (options, reason) => {
    const s = await sink();
    const t = client({ endpoint: s.url, ...options });
    t.track("init", {});
    t.track("auth_success", { method: "email" });
    await t.flush();
    expect(t.status()).toMatchObject({ enabled: false, reason });
    expect(s.requests).toHaveLength(0);
  });

  it("refuses a plain-http endpoint that is not loopback, with one warning", async () => {
    const warnings: string[] = [];
    const t = createTelemetry({
      enabled: true,
      endpoint: "http://telemetry.example.com/v1/events",
      logger: { warn: (m) => warnings.push(m), debug() {} },
    });
    t.track("auth_success", { method: "email" });
    await t.flush();
    expect(t.status()).toMatchObject({ enabled: false, reason: "insecure-endpoint" });
    expect(warnings).toHaveLength(1);
  });
});

describe("never into the host", () => {
  it("survives any input to any method", async () => {
    const s = await sink();
    const t = client({ endpoint: s.url });
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
        ownKeys() {
          throw new Error("boom");
        },
      },
    );
    const inputs: unknown[] = [
      undefined,
      null,
      42,
      "x",
      [],
      hostile,
      { route: Symbol("x") },
      { durationMs: Number.NaN },
    ];
    for (const type of ["init", "api_request", "error", "auth_success", "auth_failure", "nope", undefined, null]) {
      for (const input of inputs) expect(() => t.track(type as "init", input as Record<string, unknown>)).not.toThrow();
    }
    await expect(t.flush({ timeoutMs: -1 as number })).resolves.toBeUndefined();
    await expect(t.flush(null as never)).resolves.toBeUndefined();
    await expect(t.flush(hostile as never)).resolves.toBeUndefined();
    expect(() => createTelemetry(null as unknown as TelemetryOptions).status()).not.toThrow();
    expect(() =>
      createTelemetry({ endpoint: 5 as unknown as string, additionalData: hostile as Record<string, string> }),
    ).not.toThrow();
    await expect(t.shutdown(null as never)).resolves.toBeUndefined();
  });

  it("survives options that throw when read: off, and every method still resolves", async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
        has() {
          throw new Error("boom");
        },
      },
    ) as TelemetryOptions;
    let t: ReturnType<typeof createTelemetry> | undefined;
    expect(() => {
      t = createTelemetry(hostile);
    }).not.toThrow();
    expect(t!.status()).toMatchObject({ enabled: false, reason: "invalid-options" });
    expect(() => t!.track("auth_success", { method: "email" })).not.toThrow();
    await expect(t!.identity()).resolves.toBeUndefined();
    await expect(t!.forget()).resolves.toBe(false);
    await expect(t!.flush(null as never)).resolves.toBeUndefined();
    await expect(t!.shutdown(null as never)).resolves.toBeUndefined();
  });
});

describe("flush", () => {
  it("waits for a delivery already on the wire, not only for what is still queued", async () => {
    const s = await sink();
    const t = client({ endpoint: s.url });
    t.track("init", { betterAuthVersion: "1.7.25" }); // starts a delivery at once
    await t.flush();
    expect(eventCount(s)).toBe(1);
  });

  it("shows every batch to onPayload exactly as sent", async () => {
    const s = await sink();
    const seen: unknown[] = [];
    const t = client({ endpoint: s.url, onPayload: (b) => seen.push(b) });
    t.track("auth_success", { method: "email" });
    await t.flush();
    expect(seen).toEqual(s.batches());
  });
});
