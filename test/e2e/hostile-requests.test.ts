/**
 * At least 10,000 hostile requests against a collector running as its own
 * process, while slow-loris bodies trickle in: every request is answered with
 * a clear 4xx JSON error, every slow-loris body with a 408 in bounded time,
 * nothing from them is stored, none of the personal data they carry reaches the
 * store's files or the collector's logs, the process never crashes and its
 * memory stays bounded.
 */
import { Agent, request as httpRequest } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildCollector, spawnCollector } from "../../packages/collector/test/support/collector.js";
import { tempDir } from "../../packages/collector/test/support/temp.js";
import { trickle } from "../../packages/collector/test/support/trickle.js";
import { HOSTILE_PII, type HostileRequest, hostileCorpus } from "./support/corpus.js";
import { overview } from "./support/stored.js";
import { sweep } from "./support/sweep.js";

const dir = tempDir("bat-e2e-hostile-");
let collector: ChildCollector;
afterAll(() => {
  collector?.child.kill("SIGKILL");
  dir.remove();
});

interface Answer {
  status: number;
  body: string;
}

function send(url: string, agent: Agent, r: HostileRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/v1/events`,
      { method: "POST", agent, headers: { ...r.headers, "content-length": Buffer.byteLength(r.body) } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    // the collector may answer (413) and close before reading a large body
    req.on("error", (e: NodeJS.ErrnoException) =>
      e.code === "EPIPE" || e.code === "ECONNRESET" ? resolve({ status: -1, body: e.code }) : reject(e),
    );
    req.end(r.body);
  });
}

async function rss(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^collector_process_resident_memory_bytes (\d+)/m.exec(text)?.[1]);
}

/** The collector's body limit (--max-body-bytes default): a larger body may be refused before it is read. */
const MAX_BODY_BYTES = 1024 * 1024;

/** How long the test lets a slow-loris connection live before it gives up on the collector. */
const LORIS_LIMIT_MS = 45_000;

/** A slow-loris request: headers, then a body that promises 100,000 bytes and trickles one byte a second. */
const slowLoris = (url: string) =>
  trickle(
    url,
    'POST /v1/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"v":1,',
    { limitMs: LORIS_LIMIT_MS },
  );

describe("hostile requests", () => {
  it("are each refused with a clear 4xx, store nothing, and leave the process healthy", async () => {
    collector = await spawnCollector([
      "serve",
      "--port",
      "0",
      "--db",
      dir.file("events.duckdb"),
      // the most the collector ever logs: the privacy sweep below reads all of it
      "--log-level",
      "debug",
      "--rate-limit-ip",
      "off",
      "--rate-limit-installation",
      "off",
    ]);
    const url = collector.url;
    const corpus = hostileCorpus(10_000);
    expect(corpus.length).toBeGreaterThanOrEqual(10_000);

    // slow-loris: bodies that never finish, trickling in while the corpus runs
    const lorises = Array.from({ length: 20 }, () => slowLoris(url));

    const before = await rss(url);
    // memory is sampled throughout, so a peak that is freed again before the end still counts
    let peak = before;
    const sampling = setInterval(() => {
      void rss(url).then(
        (bytes) => {
          if (bytes > peak) peak = bytes;
        },
        () => {},
      );
    }, 250);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const answers: (Answer & { name: string })[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < corpus.length) {
          const r = corpus[next++]!;
          answers.push({ name: r.name, ...(await send(url, agent, r)) });
        }
      }),
    );
    agent.destroy();
    clearInterval(sampling);
    const after = await rss(url);
    peak = Math.max(peak, after);

    expect(answers.length).toBe(corpus.length);
    const sizes = new Map(corpus.map((r) => [r.name, Buffer.byteLength(r.body)]));
    const unclear = answers.filter((a) => {
      // a body over the limit may be answered (413) and the connection closed before it is all written
      if (a.status === -1) return (sizes.get(a.name) ?? 0) <= MAX_BODY_BYTES;
      if (a.status < 400 || a.status >= 500) return true;
      try {
        const { error } = JSON.parse(a.body) as { error: { code: string; message: string; path: unknown } };
        return !(typeof error.code === "string" && typeof error.message === "string" && "path" in error);
      } catch {
        return true;
      }
    });
    expect(unclear.slice(0, 5).map((a) => `${a.name} → ${a.status} ${a.body.slice(0, 120)}`)).toEqual([]);
    expect(answers.filter((a) => a.status === -1).length).toBeLessThan(5);

    // every slow-loris body is cut off with a 408 in the collector's error format, at the
    // request timeout (30 s, checked every second), never held forever
    const lorisAnswers = await Promise.all(lorises);
    for (const { text, afterMs } of lorisAnswers) {
      expect(afterMs).toBeLessThan(LORIS_LIMIT_MS);
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(text).toContain('{"error":{"code":"request_timeout"');
    }

    const stored = await overview(url);
    expect(Object.values(stored.events).reduce((a, b) => a + b, 0)).toBe(0);
    expect(stored.installations).toBe(0);
    expect(before).toBeGreaterThan(0);
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);
    expect(collector.child.exitCode).toBeNull();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // none of the personal data and secrets the corpus carried is in the store's files or the logs
    // (which hold a debug line for every request: the sweep has something to search)
    expect(collector.output().match(/"msg":"request"/g)?.length ?? 0).toBeGreaterThanOrEqual(corpus.length);
    expect(corpus.filter((r) => r.name.startsWith("PII in every string field")).length).toBe(2 * HOSTILE_PII.length);
    expect(
      await sweep({ storeDir: dir.path, collectorUrl: url, logs: collector.output(), needles: HOSTILE_PII }),
    ).toEqual([]);
  }, 300_000);
});
