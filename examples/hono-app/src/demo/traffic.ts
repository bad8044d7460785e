/**
 * Realistic traffic against a running example app: sign-ups, good and bad
 * sign-ins, session checks, unknown routes, validation errors, a failed OAuth
 * callback, and bursts that trip the rate limiter. It counts what it did, so a
 * caller can compare the app's own tally with what the collector stored.
 */

export interface Tally {
  requests: number;
  signUps: number;
  signInsOk: number;
  signInsFailed: number;
  rateLimited: number;
  /** Requests whose status differed from what Better Auth answers without telemetry. */
  unexpected: number;
  /** The first few of them, as "POST /path → status". */
  unexpectedSamples: string[];
  /** Slowest request, in milliseconds. */
  maxLatencyMs: number;
}

export const emptyTally = (): Tally => ({
  requests: 0,
  signUps: 0,
  signInsOk: 0,
  signInsFailed: 0,
  rateLimited: 0,
  unexpected: 0,
  unexpectedSamples: [],
  maxLatencyMs: 0,
});

interface Step {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  /** Statuses Better Auth answers for this request; anything else is counted as unexpected. */
  expect: number[];
  ip: string;
  count?: (status: number, tally: Tally) => void;
}

/** One user's visit: sign up, sign in (sometimes with the wrong password), look around, sign in again. */
/**
 * A made-up client address (198.18.0.0/15 is reserved for testing): one per visit and
 * installation, since Better Auth's in-memory rate-limit counters are shared by every
 * instance in a process.
 */
const address = (block: number, lane: number, n: number) =>
  `198.${18 + block}.${(lane * 64 + Math.floor(n / 250)) % 256}.${(n % 250) + 1}`;

function visit(n: number, installation: string, lane: number): Step[] {
  const ip = address(0, lane, n);
  const email = `demo-${installation}-${n}@example.com`;
  const password = `demo-password-${n}-long-enough`;
  const steps: Step[] = [
    {
      method: "POST",
      path: "/sign-up/email",
      body: { email, password, name: `Demo User ${n}` },
      expect: [200],
      ip,
      count: (s, t) => s === 200 && t.signUps++,
    },
    { method: "GET", path: "/get-session", expect: [200], ip },
    {
      method: "POST",
      path: "/sign-in/email",
      body: { email, password: n % 3 === 0 ? "wrong-password" : password },
      expect: n % 3 === 0 ? [401] : [200],
      ip,
      count: (s, t) => (s === 200 ? t.signInsOk++ : t.signInsFailed++),
    },
    { method: "GET", path: "/ok", expect: [200], ip },
  ];
  if (n % 4 === 0) steps.push({ method: "GET", path: `/no-such-route-${n}`, expect: [404], ip });
  if (n % 5 === 0) steps.push({ method: "POST", path: "/sign-up/email", body: { email: 42 }, expect: [400], ip });
  if (n % 7 === 0) steps.push({ method: "GET", path: "/callback/github?state=forged&code=x", expect: [302], ip });
  return steps;
}

/** A burst from one address that the sign-in rate limit (5 per minute) cuts off. */
function burst(n: number, lane: number): Step[] {
  const ip = address(1, lane, n);
  return Array.from({ length: 7 }, () => ({
    method: "POST" as const,
    path: "/sign-in/email",
    body: { email: `nobody-${n}@example.com`, password: "not-this-one" },
    expect: [401, 429],
    ip,
    count: (s: number, t: Tally) => (s === 429 ? t.rateLimited++ : t.signInsFailed++),
  }));
}

async function send(base: string, step: Step, tally: Tally, cookies?: string[]): Promise<void> {
  const started = performance.now();
  const res = await fetch(`${base}${step.path}`, {
    method: step.method,
    headers: {
      "content-type": "application/json",
      "x-forwarded-for": step.ip,
      origin: base.replace(/\/api\/auth$/, ""),
    },
    body: step.body === undefined ? undefined : JSON.stringify(step.body),
    redirect: "manual",
  });
  await res.arrayBuffer();
  cookies?.push(...res.headers.getSetCookie());
  const latency = performance.now() - started;
  tally.requests++;
  if (latency > tally.maxLatencyMs) tally.maxLatencyMs = latency;
  if (!step.expect.includes(res.status)) {
    tally.unexpected++;
    if (tally.unexpectedSamples.length < 5) tally.unexpectedSamples.push(`${step.method} ${step.path} → ${res.status}`);
  }
  step.count?.(res.status, tally);
}

export interface DriveOptions {
  /** The app's auth base, e.g. http://127.0.0.1:3000/api/auth */
  base: string;
  /** Names the users so installations do not collide. */
  installation: string;
  /** Which block of client addresses this installation's visitors use (0 to 3). */
  lane?: number;
  /** Number of visits (each is 4 to 7 requests); every tenth is followed by a rate-limited burst. */
  visits: number;
  tally?: Tally;
  /** Collects every Set-Cookie the app answered with (for privacy checks). */
  cookies?: string[];
  /** Stops early when it returns true (Ctrl-C). */
  stopped?: () => boolean;
}

export async function drive(options: DriveOptions): Promise<Tally> {
  const tally = options.tally ?? emptyTally();
  for (let n = 0; n < options.visits && !options.stopped?.(); n++) {
    const lane = options.lane ?? 0;
    const steps =
      n % 10 === 9
        ? [...visit(n, options.installation, lane), ...burst(n, lane)]
        : visit(n, options.installation, lane);
    for (const step of steps) await send(options.base, step, tally, options.cookies);
  }
  return tally;
}
