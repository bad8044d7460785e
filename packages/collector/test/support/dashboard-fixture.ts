/**
 * A small, fully known fleet for the dashboard's tests: six installations over
 * nine days of January 2026, sent through POST /v1/events as real batches.
 * Every expected number in test/dashboard-*.test.ts is computed by hand from
 * the table below; change one and recompute them.
 *
 *   day  2026-01-05 Mon (d0) … 2026-01-12 Mon (d7), 2026-01-13 (d8)
 *   A  node 22.21.1 next      production  region eu-west-1, tier pro
 *      d0 init 1.7.25 postgres/drizzle [admin, organization] [github, google] {emailAndPassword, cookieCache, cookieCacheStrategy jwt}
 *      d0 POST /sign-in/email 200 ×10 (5-10 ms ×2, 10-25 ×4, 25-50 ×4, sum 250); GET /get-session 200 ×20 (1-2 ms, sum 30)
 *      d1 POST /sign-in/email 401 ×5 (2-5 ms, sum 15); error APIError INVALID_EMAIL_OR_PASSWORD ×5;
 *         auth_success email sign-in ×10; auth_failure email sign-in INVALID_EMAIL_OR_PASSWORD ×5
 *      d7 23:59:59.999 GET /get-session 200 ×4 (1-2 ms, sum 6)
 *   B  node 20.19.5 hono      production  region us-east-1
 *      d0 init 1.7.25 sqlite/kysely [organization] [github] {emailAndPassword}
 *      d2 POST /sign-in/social 302 ×8 (50-100 ms, sum 600, sent as ×5 and ×3); auth_success social github sign-up ×2;
 *         auth_failure social github sign-in INVALID_TOKEN ×1; error TypeError (no code) ×1
 *   C  bun 1.3.1 hono         development (no additionalData)
 *      d1 init 1.6.2 sqlite/kysely [] [] {}; POST /sign-in/email 500 ×2 (over 10 s, sum 30000);
 *         error APIError INTERNAL_SERVER_ERROR ×2
 *   D  deno 2.5.6 sveltekit   production  region eu-west-1 (never sends init)
 *      d3 GET /get-session 200 ×6 (1-2 ms, sum 9); auth_success passkey sign-in ×3
 *   E  node 22.21.1 ci        region eu-west-1, tier free; framework next on d2, express on d4 (two contexts)
 *      d2 init 1.7.25 postgres/prisma [admin, two-factor] [google] {emailAndPassword}; POST /sign-in/email 200 ×2 (10-25 ms, sum 30)
 *      d4 init 1.7.25 postgres/prisma [admin] [google] {emailAndPassword, cookieCache}; error APIError INVALID_EMAIL_OR_PASSWORD ×1
 *   F  node 22.21.1 next      production
 *      d8 00:00:00.000 GET /get-session 200 ×1 (1-2 ms, sum 1)
 *
 * The batches go out in two waves with a dashboard read between them, so the
 * second wave is late data for the rollups: A's d0 requests land before its
 * already-folded d1 rows, and B's second /sign-in/social batch adds to a sum
 * already stored.
 */
import { uuidv7 } from "../../src/ingest/ids.js";
import { post, request } from "./http.js";

export const DAY = 86_400_000;
export const D0 = Date.UTC(2026, 0, 5);
export const day = (n: number) => D0 + n * DAY;
export const date = (n: number) => new Date(day(n)).toISOString().slice(0, 10);
const noon = (n: number) => day(n) + 12 * 3_600_000;

export const INSTALLATIONS = {
  A: "0190a0b0-0000-4000-8000-00000000000a",
  B: "0190a0b0-0000-4000-8000-00000000000b",
  C: "0190a0b0-0000-4000-8000-00000000000c",
  D: "0190a0b0-0000-4000-8000-00000000000d",
  E: "0190a0b0-0000-4000-8000-00000000000e",
  F: "0190a0b0-0000-4000-8000-00000000000f",
} as const;

type Props = Record<string, unknown>;
interface Context {
  runtime: string;
  runtimeVersion: string;
  framework: string;
  environment: string;
}

const CONTEXTS = {
  A: { runtime: "node", runtimeVersion: "22.21.1", framework: "next", environment: "production" },
  B: { runtime: "node", runtimeVersion: "20.19.5", framework: "hono", environment: "production" },
  C: { runtime: "bun", runtimeVersion: "1.3.1", framework: "hono", environment: "development" },
  D: { runtime: "deno", runtimeVersion: "2.5.6", framework: "sveltekit", environment: "production" },
  E: { runtime: "node", runtimeVersion: "22.21.1", framework: "next", environment: "ci" },
  F: { runtime: "node", runtimeVersion: "22.21.1", framework: "next", environment: "production" },
} satisfies Record<keyof typeof INSTALLATIONS, Context>;

const DATA: Partial<Record<keyof typeof INSTALLATIONS, Record<string, string>>> = {
  A: { region: "eu-west-1", tier: "pro" },
  B: { region: "us-east-1" },
  D: { region: "eu-west-1" },
  E: { region: "eu-west-1", tier: "free" },
};

/** A 14-bucket histogram with `counts` at the given bucket indexes. */
const buckets = (counts: Record<number, number>) => Array.from({ length: 14 }, (_, i) => counts[i] ?? 0);

const apiRequest = (o: {
  route: string;
  method: string;
  status: number;
  count: number;
  sumMs: number;
  at: Record<number, number>;
}) => ({
  type: "api_request",
  props: {
    route: o.route,
    method: o.method,
    status: o.status,
    source: "handler",
    count: o.count,
    duration: { sumMs: o.sumMs, buckets: buckets(o.at) },
  },
});

const init = (o: {
  version: string;
  kind: string;
  adapter: string;
  plugins: string[];
  providers: string[];
  features: Props;
}) => ({
  type: "init",
  props: {
    betterAuthVersion: o.version,
    database: { kind: o.kind, adapter: o.adapter },
    plugins: o.plugins,
    socialProviders: o.providers,
    features: o.features,
  },
});

interface FixtureBatch {
  installation: keyof typeof INSTALLATIONS;
  context?: Partial<Context>;
  events: { ts: number; type: string; props: Props }[];
}

const at = (ts: number, events: { type: string; props: Props }[]) => events.map((e) => ({ ts, ...e }));

/** Sent first. */
export const EARLY: FixtureBatch[] = [
  {
    installation: "A",
    events: at(noon(0), [
      apiRequest({ route: "/get-session", method: "GET", status: 200, count: 20, sumMs: 30, at: { 1: 20 } }),
    ]),
  },
  {
    installation: "A",
    events: at(noon(1), [
      apiRequest({ route: "/sign-in/email", method: "POST", status: 401, count: 5, sumMs: 15, at: { 2: 5 } }),
      {
        type: "error",
        props: { type: "APIError", code: "INVALID_EMAIL_OR_PASSWORD", status: 401, route: "/sign-in/email", count: 5 },
      },
      { type: "auth_success", props: { method: "email", kind: "sign-in", count: 10 } },
      {
        type: "auth_failure",
        props: { method: "email", kind: "sign-in", reason: "INVALID_EMAIL_OR_PASSWORD", count: 5 },
      },
    ]),
  },
  {
    installation: "A",
    events: at(day(8) - 1, [
      apiRequest({ route: "/get-session", method: "GET", status: 200, count: 4, sumMs: 6, at: { 1: 4 } }),
    ]),
  },
  {
    installation: "B",
    events: [
      ...at(noon(0), [
        init({
          version: "1.7.25",
          kind: "sqlite",
          adapter: "kysely",
          plugins: ["organization"],
          providers: ["github"],
          features: { emailAndPassword: true },
        }),
      ]),
      ...at(noon(2), [
        apiRequest({ route: "/sign-in/social", method: "POST", status: 302, count: 5, sumMs: 375, at: { 6: 5 } }),
        { type: "auth_success", props: { method: "social", provider: "github", kind: "sign-up", count: 2 } },
        {
          type: "auth_failure",
          props: { method: "social", provider: "github", kind: "sign-in", reason: "INVALID_TOKEN", count: 1 },
        },
        { type: "error", props: { type: "TypeError", count: 1 } },
      ]),
    ],
  },
  {
    installation: "C",
    events: at(noon(1), [
      init({ version: "1.6.2", kind: "sqlite", adapter: "kysely", plugins: [], providers: [], features: {} }),
      apiRequest({ route: "/sign-in/email", method: "POST", status: 500, count: 2, sumMs: 30_000, at: { 13: 2 } }),
      { type: "error", props: { type: "APIError", code: "INTERNAL_SERVER_ERROR", status: 500, count: 2 } },
    ]),
  },
  {
    installation: "D",
    events: at(noon(3), [
      apiRequest({ route: "/get-session", method: "GET", status: 200, count: 6, sumMs: 9, at: { 1: 6 } }),
      { type: "auth_success", props: { method: "passkey", kind: "sign-in", count: 3 } },
    ]),
  },
  {
    installation: "E",
    events: at(noon(2), [
      init({
        version: "1.7.25",
        kind: "postgres",
        adapter: "prisma",
        plugins: ["admin", "two-factor"],
        providers: ["google"],
        features: { emailAndPassword: true },
      }),
      apiRequest({ route: "/sign-in/email", method: "POST", status: 200, count: 2, sumMs: 30, at: { 4: 2 } }),
    ]),
  },
  {
    installation: "E",
    context: { framework: "express" },
    events: at(noon(4), [
      init({
        version: "1.7.25",
        kind: "postgres",
        adapter: "prisma",
        plugins: ["admin"],
        providers: ["google"],
        features: { emailAndPassword: true, cookieCache: true },
      }),
      { type: "error", props: { type: "APIError", code: "INVALID_EMAIL_OR_PASSWORD", count: 1 } },
    ]),
  },
];

/** Sent after a dashboard read has folded EARLY into the rollups. */
export const LATE: FixtureBatch[] = [
  {
    installation: "A",
    events: at(noon(0), [
      init({
        version: "1.7.25",
        kind: "postgres",
        adapter: "drizzle",
        plugins: ["admin", "organization"],
        providers: ["github", "google"],
        features: { emailAndPassword: true, cookieCache: true, cookieCacheStrategy: "jwt" },
      }),
      apiRequest({
        route: "/sign-in/email",
        method: "POST",
        status: 200,
        count: 10,
        sumMs: 250,
        at: { 3: 2, 4: 4, 5: 4 },
      }),
    ]),
  },
  {
    installation: "B",
    events: at(noon(2), [
      apiRequest({ route: "/sign-in/social", method: "POST", status: 302, count: 3, sumMs: 225, at: { 6: 3 } }),
    ]),
  },
  {
    installation: "F",
    events: at(day(8), [
      apiRequest({ route: "/get-session", method: "GET", status: 200, count: 1, sumMs: 1, at: { 1: 1 } }),
    ]),
  },
];

export function wire(batch: FixtureBatch): Record<string, unknown> {
  const data = DATA[batch.installation];
  return {
    v: 1,
    installationId: INSTALLATIONS[batch.installation],
    idKind: "persistent",
    sdkVersion: "0.1.0",
    sentAt: Date.now(),
    context: { ...CONTEXTS[batch.installation], ...batch.context },
    ...(data ? { additionalData: data } : {}),
    events: batch.events.map((e) => ({ id: uuidv7(e.ts), ...e })),
  };
}

async function send(url: string, batches: readonly FixtureBatch[]): Promise<void> {
  for (const batch of batches) {
    const reply = await post(`${url}/v1/events`, wire(batch));
    if (reply.status !== 200 || reply.json.accepted !== batch.events.length) {
      throw new Error(`fixture batch refused: ${reply.status} ${reply.text}`);
    }
  }
}

/**
 * Sends the fixture to a collector: EARLY, a dashboard read (so the rollups
 * fold it), then LATE. `headers` authorizes the read when the collector has a token.
 */
export async function seedFixture(url: string, headers: Record<string, string> = {}): Promise<void> {
  await send(url, EARLY);
  const read = await request(`${url}/v1/stats/installations?from=${date(0)}&to=${date(9)}`, { headers });
  if (read.status !== 200) throw new Error(`dashboard read failed: ${read.status} ${read.text}`);
  await send(url, LATE);
}
