/** Requests that never arrive whole (slow-loris): cut off in bounded time, answered in the collector's error format. */
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HEADERS_TIMEOUT_MS } from "../src/http/connection.js";
import { startTestCollector, type TestCollector } from "./support/collector.js";
import { request } from "./support/http.js";
import { trickle } from "./support/trickle.js";

let collector: TestCollector | undefined;
afterEach(async () => {
  await collector?.dispose();
  collector = undefined;
});

describe("connections", () => {
  it("cuts off headers that trickle in, with a 408 in the collector's error format, and keeps serving", async () => {
    collector = await startTestCollector();
    const [loris] = await Promise.all([
      trickle(collector.url, "POST /v1/events HTTP/1.1\r\nhost: x\r\nx-slow: ", {
        drip: "x",
        limitMs: HEADERS_TIMEOUT_MS + 10_000,
      }),
      // other clients are served meanwhile
      new Promise((r) => setTimeout(r, 2000)).then(async () =>
        expect((await request(`${collector!.url}/healthz`)).status).toBe(200),
      ),
    ]);
    expect(loris.afterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    // Node checks once a second; left to its defaults this took 90 s
    expect(loris.afterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 3000);
    expect(loris.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(loris.text.split("\r\n\r\n")[1]!)).toEqual({
      error: { code: "request_timeout", message: "the request did not arrive in time", path: null },
    });
    expect((await request(`${collector.url}/healthz`)).status).toBe(200);
    // counted like every other refusal
    const metrics = await request(`${collector.url}/metrics`);
    expect(metrics.text).toMatch(/collector_rejections_total\{code="request_timeout"\} 1/);
  }, 30_000);

  it("answers a request that is not HTTP with 400 in the collector's error format", async () => {
    collector = await startTestCollector();
    const socket = connect(Number(new URL(collector.url).port), "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
    });
    socket.on("error", () => {});
    socket.write("HELLO THERE\r\n\r\n");
    await new Promise((r) => socket.on("close", r));
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(text.split("\r\n\r\n")[1]!)).toMatchObject({ error: { code: "bad_request" } });
  });
});
