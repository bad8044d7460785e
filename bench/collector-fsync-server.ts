/**
 * The durable floor for bench/collector-ingest.ts: the bare server of
 * collector-bare-server.ts, plus the least any server must do before it may
 * acknowledge: append each parsed body to a file and fdatasync it. Appends
 * are group-committed (every body that arrives during one fsync shares the
 * next), as the collector's ingest log does. No validation, no privacy
 * filter, no dedupe, no queryable store: what is left between this and the
 * collector is the collector's own work.
 *
 * Run: node --import tsx bench/collector-fsync-server.ts <file>
 */
import { open } from "node:fs/promises";
import http from "node:http";

const path = process.argv[2];
if (!path) throw new Error("usage: collector-fsync-server.ts <file>");
const file = await open(path, "a");

const NEWLINE = Buffer.from("\n");

interface Waiting {
  body: Buffer;
  answer: () => void;
}
let waiting: Waiting[] = [];
let syncing = false;

/** One write and one fdatasync for everything that arrived since the last began. */
async function commit(): Promise<void> {
  syncing = true;
  while (waiting.length > 0) {
    const group = waiting;
    waiting = [];
    await file.writev(group.map((w) => w.body));
    await file.datasync();
    for (const w of group) w.answer();
  }
  syncing = false;
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    let events: unknown;
    try {
      events = (JSON.parse(body.toString("utf8")) as { events?: unknown }).events;
    } catch {
      events = undefined;
    }
    if (!Array.isArray(events)) {
      res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"code":"invalid_json"}}');
      return;
    }
    const reply = JSON.stringify({ accepted: events.length, duplicates: 0, dropped: 0 });
    waiting.push({
      // one body per line: the file is NDJSON
      body: Buffer.concat([body, NEWLINE]),
      answer: () => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(reply) });
        res.end(reply);
      },
    });
    if (!syncing) void commit();
  });
});

process.on("SIGTERM", () => server.close(() => void file.close().then(() => process.exit(0))));
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.stdout.write(`fsync server listening on http://127.0.0.1:${port}\n`);
});
