/**
 * Scale-out: two collector replicas on different ports share one ClickHouse
 * store, receive batches concurrently, and a batch retried across them is
 * stored once; every count is exact.
 *
 * Honest limit of this test: chdb runs ClickHouse inside one process, and a
 * second OS process cannot open the same data directory (chdb: "Cannot lock
 * file …/status. Another server instance in same directory is already
 * running"). So the two replicas are two Fastify servers in this process,
 * each with its own ClickHouseEventStore and its own client and connection,
 * sharing nothing but the database: the same separation as two processes
 * talking to one ClickHouse server, minus the network between them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningCollector, startCollector } from "../../src/server.js";
import { type WireEventInput, wireBatch, wireEvent } from "../support/batches.js";
import { post, request } from "../support/http.js";
import { chdbSession } from "./support/chdb.js";

const session = chdbSession();
const replicas: RunningCollector[] = [];

beforeAll(async () => {
  // both open the empty store at once: migrations and the id secret race too
  const stores = await Promise.all([1, 2].map(() => session.openStore({ database: "shared" })));
  expect(Buffer.from(stores[1]!.idSecret)).toEqual(Buffer.from(stores[0]!.idSecret));
  for (const store of stores) {
    replicas.push(
      await startCollector({
        host: "127.0.0.1",
        port: 0,
        logLevel: "silent",
        store,
        limits: { perIp: { perSecond: 0, burst: 0 }, perInstallation: { perSecond: 0, burst: 0 } },
      }),
    );
  }
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  session.remove();
});

const installation = (n: number) => `0190a0b0-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** A batch of `n` events of every type; `count` props make occurrences differ from records. */
function batch(n: number, id: string): { body: Record<string, unknown>; events: WireEventInput[] } {
  const types = ["api_request", "error", "auth_success", "auth_failure", "init"] as const;
  const events = Array.from({ length: n }, (_, i) => wireEvent(types[i % types.length]));
  return { body: wireBatch({ installationId: id }, events), events };
}

/** Occurrences per type as the overview counts them: the sum of `count`, 1 when absent. */
function occurrences(events: readonly WireEventInput[]): Record<string, number> {
  const out: Record<string, number> = { init: 0, api_request: 0, error: 0, auth_success: 0, auth_failure: 0 };
  for (const e of events) out[e.type] = (out[e.type] ?? 0) + ((e.props.count as number | undefined) ?? 1);
  return out;
}

describe("two collector replicas sharing one ClickHouse store", () => {
  it("store concurrent batches and a retry across replicas once, with exact counts", async () => {
    const [one, two] = replicas as [RunningCollector, RunningCollector];
    expect(one.url).not.toBe(two.url);
    // under 1000 events in all: GET /v1/events lists at most 1000
    const sent = Array.from({ length: 30 }, (_, i) => batch(20 + (i % 7), installation(i % 12)));

    // concurrent: every batch to one replica or the other, all at once
    const replies = await Promise.all(sent.map((b, i) => post(`${(i % 2 ? two : one).url}/v1/events`, b.body)));
    for (const [i, reply] of replies.entries()) {
      expect(reply.status, reply.text).toBe(200);
      expect(reply.json).toMatchObject({ accepted: sent[i]!.events.length, duplicates: 0 });
    }

    // a client retries a delivered batch (its answer was lost) and the load balancer picks the other replica
    const retried = sent[3]!;
    const retry = await post(`${two.url}/v1/events`, retried.body);
    expect(retry.status).toBe(200);
    expect(retry.json).toMatchObject({ accepted: 0, duplicates: retried.events.length });

    // a retry racing its original through both replicas at once: each may store it (neither saw
    // the other's insert yet); the table keeps one copy and every count reads it once
    const raced = batch(30, installation(99));
    const both = await Promise.all([one, two].map((r) => post(`${r.url}/v1/events`, raced.body)));
    for (const reply of both) expect(reply.status).toBe(200);
    const reported = both.reduce((n, r) => n + (r.json.accepted as number), 0);
    expect(reported).toBeGreaterThanOrEqual(raced.events.length);
    expect(reported).toBeLessThanOrEqual(2 * raced.events.length);

    const all = [...sent, raced].flatMap((b) => b.events);
    const expected = occurrences(all);
    const installations = new Set([...sent.map((_, i) => installation(i % 12)), installation(99)]).size;
    // both replicas read the same store, and give the same exact answer
    for (const replica of [one, two]) {
      const overview = await request(`${replica.url}/v1/stats/overview`);
      expect(overview.status).toBe(200);
      expect(overview.json.events).toEqual(expected);
      expect(overview.json.installations).toBe(installations);
      const raw = await request(`${replica.url}/v1/events?limit=1000`);
      expect(raw.json.events).toHaveLength(all.length);
      expect(new Set(raw.json.events.map((e: { id: string }) => e.id)).size).toBe(all.length);
    }
    const racedStored = await request(`${one.url}/v1/events?limit=1000`);
    expect(
      racedStored.json.events.filter((e: { installationId: string }) => e.installationId === installation(99)),
    ).toHaveLength(raced.events.length);

    // the dashboard's numbers agree between replicas, and count the raced batch once
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    for (const panel of ["installations", "requests", "errors", "auth"]) {
      const [a, b] = await Promise.all([one, two].map((r) => request(`${r.url}/v1/stats/${panel}?from=${from}`)));
      expect(a!.status).toBe(200);
      expect(b!.json).toEqual(a!.json);
    }
    const requests = await request(`${two.url}/v1/stats/requests?from=${from}`);
    expect(requests.json.total.requests).toBe(expected.api_request);
    const errors = await request(`${two.url}/v1/stats/errors?from=${from}`);
    expect(errors.json.total.occurrences).toBe(expected.error);
  });

  it("counts a retry's second copy once, wherever the race left one", async () => {
    // what a lost race leaves behind, made certain: every row of one installation stored a
    // second time, later, as the other replica would have (ClickHouse merges them eventually)
    const [one, two] = replicas as [RunningCollector, RunningCollector];
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const read = async () =>
      Promise.all(
        ["overview", "installations", "requests", "errors", "auth", "breakdowns", "adoption"].map(
          async (panel) => (await request(`${two.url}/v1/stats/${panel}?from=${from}`)).json,
        ),
      );
    const before = await read();
    const listed = (await request(`${one.url}/v1/events?limit=1000`)).json.events.length;
    const client = session.client();
    try {
      await client.command({
        query: `INSERT INTO shared.events SELECT * REPLACE (received_at + INTERVAL 1 SECOND AS received_at)
          FROM shared.events WHERE installation_id = '${installation(3)}'`,
      });
      const physical = await (
        await client.query({ query: `SELECT count() AS n FROM shared.events`, format: "JSONEachRow" })
      ).json<{ n: string | number }>();
      expect(Number(physical[0]!.n)).toBeGreaterThan(listed);
    } finally {
      await client.close();
    }
    expect(await read()).toEqual(before);
    expect((await request(`${one.url}/v1/events?limit=1000`)).json.events).toHaveLength(listed);
  });
});
