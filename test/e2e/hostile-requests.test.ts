/**
 * At least 10,000 hostile requests against a collector running as its own
 * process: every one is answered with a clear 4xx JSON error, nothing from
 * them is stored, the process never crashes and its memory stays bounded.
 */
import { Agent, request as httpRequest } from "node:http";
import { connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { type ChildCollector, spawnCollector } from "../../packages/collector/test/support/collector.js";
import { tempDir } from "../../packages/collector/test/support/temp.js";
import { type HostileRequest, hostileCorpus } from "./support/corpus.js";
import { overview } from "./support/stored.js";

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

describe("hostile requests", () => {
  it("are each refused with a clear 4xx, store nothing, and leave the process healthy", async () => {
    collector = await spawnCollector([
      "serve",
      "--port",
      "0",
      "--db",
      dir.file("events.duckdb"),
      "--log-level",
      "info",
      "--rate-limit-ip",
      "off",
      "--rate-limit-installation",
      "off",
    ]);
    const url = collector.url;
    const corpus = hostileCorpus(10_000);
    expect(corpus.length).toBeGreaterThanOrEqual(10_000);

    // slow-loris: bodies that never finish, held open while the corpus runs
    const lorises = Array.from({ length: 20 }, () => {
      const socket = connect(Number(new URL(url).port), "127.0.0.1");
      socket.on("error", () => {});
      socket.write(
        'POST /v1/events HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"v":1,',
      );
      return socket;
    });

    const before = await rss(url);
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
    const after = await rss(url);
    for (const s of lorises) s.destroy();

    const unclear = answers.filter((a) => {
      if (a.status === -1) return false; // refused before the body was read (checked below: the same case answered 413 too)
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

    const stored = await overview(url);
    expect(Object.values(stored.events).reduce((a, b) => a + b, 0)).toBe(0);
    expect(stored.installations).toBe(0);
    expect(before).toBeGreaterThan(0);
    expect(after - before).toBeLessThan(150 * 1024 * 1024);
    expect(collector.child.exitCode).toBeNull();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  }, 180_000);
});
