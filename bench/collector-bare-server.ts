/**
 * The baseline for bench/collector-ingest.ts: a bare node:http server that only
 * reads and JSON-parses each request and answers with the event count. It
 * prints its URL on stdout, like the collector does.
 */
import http from "node:http";

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    let body: string;
    try {
      const batch = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { events: unknown[] };
      body = JSON.stringify({ accepted: batch.events.length, duplicates: 0, dropped: 0 });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    } catch {
      body = '{"error":{"code":"invalid_json"}}';
      res.writeHead(400, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    }
    res.end(body);
  });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.stdout.write(`bare server listening on http://127.0.0.1:${port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
