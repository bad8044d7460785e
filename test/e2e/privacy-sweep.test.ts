/**
 * The privacy sweep: realistic traffic (sign-ups with real emails and
 * passwords, sign-ins good and bad, sessions, a forged OAuth callback, rate
 * limiting) through a real Better Auth app to a collector process, plus batches
 * that carry personal data in every string field. Afterwards no email,
 * password, IP address, host name, cookie, session token or secret used
 * anywhere in the run may appear in the store's files, its stored events, or
 * the collector's logs.
 */
import { afterAll, describe, expect, it } from "vitest";
import { drive } from "../../examples/hono-app/src/demo/traffic.js";
import { type ChildCollector, spawnCollector } from "../../packages/collector/test/support/collector.js";
import { tempDir } from "../../packages/collector/test/support/temp.js";
import { APP_SECRET, GITHUB, startApp } from "./support/app.js";
import { leafPaths, setAt, validBatch } from "./support/corpus.js";
import { overview, recent } from "./support/stored.js";
import { sweep } from "./support/sweep.js";

const dir = tempDir("bat-e2e-privacy-");
let collector: ChildCollector;
afterAll(() => {
  collector?.child.kill("SIGKILL");
  dir.remove();
});

const PII = [
  "jane.doe@example.com",
  "10.20.30.40",
  "https://intranet.acme-corp.com/x",
  "acme-corp.internal",
  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0",
  "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
  "+14155552671",
];

/** A structurally valid batch with `value` in every string field. */
function piiBatch(value: string): Record<string, unknown> {
  const batch = validBatch();
  const fill = (node: unknown): unknown => {
    if (typeof node === "string") return value;
    if (Array.isArray(node)) return node.map(fill);
    if (node && typeof node === "object")
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === "v" ? v : fill(v)]));
    return node;
  };
  const filled = fill(batch) as Record<string, unknown>;
  // keep what makes the batch parse, so the personal data reaches the allow-list
  return {
    ...filled,
    v: 1,
    installationId: batch.installationId,
    idKind: "persistent",
    events: (filled.events as Record<string, unknown>[]).map((e, i) => ({
      ...e,
      id: (batch.events as { id: string }[])[i]!.id,
      type: (batch.events as { type: string }[])[i]!.type,
    })),
    additionalData: { [value.replace(/[^A-Za-z]/g, "").slice(0, 20) || "k"]: value, note: value },
  };
}

/**
 * Valid batches with `value` in one place only: each string field in turn, an
 * additionalData key, an undeclared prop's key. The rest of each batch is
 * valid, so the personal data travels beside data the collector keeps.
 */
function piiOneAtATime(value: string): Record<string, unknown>[] {
  const shape = validBatch();
  const strings = leafPaths(shape).filter(
    (path) => typeof path.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], shape) === "string",
  );
  return [
    ...strings.map((path) => setAt(validBatch(), path, value)),
    { ...validBatch(), additionalData: { region: "eu-west-1", [value]: "x" } },
    setAt(validBatch(), ["events", 0, "props", value], 1),
  ];
}

async function post(url: string, batch: Record<string, unknown>): Promise<number> {
  const res = await fetch(`${url}/v1/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(batch),
  });
  await res.arrayBuffer();
  return res.status;
}

describe("privacy sweep", () => {
  it("finds no personal data, secret, address or host anywhere the collector keeps or prints", async () => {
    collector = await spawnCollector([
      "serve",
      "--port",
      "0",
      "--db",
      dir.file("events.duckdb"),
      "--log-level",
      "debug",
    ]);
    const app = await startApp(`${collector.url}/v1/events`);
    const cookies: string[] = [];
    const tally = await drive({ base: `${app.url}/api/auth`, installation: "sweep", visits: 20, cookies });
    await app.telemetry.flush({ timeoutMs: 20_000 });
    await app.close();

    const stored = await overview(collector.url);
    expect(tally.signUps).toBeGreaterThan(10);
    expect(stored.events.auth_success).toBeGreaterThan(0);
    expect(stored.events.api_request).toBe(tally.requests);

    const answers: number[] = [];
    for (const value of PII) answers.push(await post(collector.url, piiBatch(value)));
    const oneAtATime: number[] = [];
    for (const value of PII)
      for (const batch of piiOneAtATime(value)) oneAtATime.push(await post(collector.url, batch));
    // well-formed batches: accepted with the personal data dropped, or refused; never stored as sent
    for (const status of [...answers, ...oneAtATime]) expect([200, 202, 400, 422]).toContain(status);
    // most of the one-at-a-time batches were stored (without the field), so the sweep below
    // searches rows that arrived beside personal data
    expect(oneAtATime.filter((s) => s === 200).length).toBeGreaterThan(oneAtATime.length / 2);
    const after = await overview(collector.url);
    expect(after.installations).toBeGreaterThan(stored.installations);
    // the sweep reads stored events through the API (up to 1,000): all of them must fit
    expect((await recent(collector.url)).length).toBeLessThan(1000);

    const users = Array.from({ length: 20 }, (_, n) => [
      `demo-sweep-${n}@example.com`,
      `demo-password-${n}-long-enough`,
    ]).flat();
    const sessionTokens = cookies.map((c) => c.split(";")[0]!.split("=")[1]!).filter((v) => v && v.length >= 16);
    const appHost = new URL(app.url);
    const found = await sweep({
      storeDir: dir.path,
      collectorUrl: collector.url,
      // the collector prints its own address (listening on, dashboard at): that is not a client's
      logs: collector.output().replaceAll(collector.url, "<collector>"),
      needles: [
        ...users,
        ...PII,
        ...sessionTokens,
        APP_SECRET,
        GITHUB.clientId,
        GITHUB.clientSecret,
        "auth.e2e.example",
        `${appHost.hostname}:${appHost.port}`,
        "127.0.0.1",
        "198.18.",
        "198.19.",
        "better-auth.session_token",
        "user-agent",
      ],
    });
    expect(found).toEqual([]);
    expect(sessionTokens.length).toBeGreaterThan(0);
    // the control: the sweep does find what was legitimately stored (the app's additionalData)
    expect(
      await sweep({ storeDir: dir.path, collectorUrl: collector.url, logs: "", needles: ["eu-west-1"] }),
    ).not.toEqual([]);
  }, 180_000);
});
