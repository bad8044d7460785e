/**
 * Steady, cheap traffic for fault tests: the requests an app answers many
 * times a second (no password hashing), each with the status Better Auth gives
 * it without telemetry, so any change of status or any stall is visible.
 */

interface Step {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  status: number;
}

const STEPS: Step[] = [
  { method: "GET", path: "/ok", status: 200 },
  { method: "GET", path: "/get-session", status: 200 },
  { method: "GET", path: "/no-such-route", status: 404 },
  { method: "POST", path: "/sign-up/email", body: { email: 42 }, status: 400 },
  { method: "GET", path: "/get-session", status: 200 },
];

export interface TrafficResult {
  requests: number;
  /** Requests whose status was not the one Better Auth gives without telemetry. */
  wrongStatus: string[];
  latenciesMs: number[];
  /** Requests per step, as "METHOD /path". */
  perStep: Record<string, number>;
}

/**
 * Numbers the requests of every call in this process, for their client addresses: Better
 * Auth's rate limiter counts per address, and a phase that reused the previous phase's
 * addresses would meet 429s of the test's own making.
 */
let sent = 0;

export async function steadyTraffic(options: {
  base: string;
  until: () => boolean;
  concurrency?: number;
}): Promise<TrafficResult> {
  const result: TrafficResult = { requests: 0, wrongStatus: [], latenciesMs: [], perStep: {} };
  let n = 0;
  const worker = async () => {
    while (!options.until()) {
      const i = n++;
      const address = sent++;
      const step = STEPS[i % STEPS.length]!;
      const started = performance.now();
      const res = await fetch(`${options.base}${step.path}`, {
        method: step.method,
        headers: {
          "content-type": "application/json",
          "x-forwarded-for": `198.18.${Math.floor(address / 250) % 250}.${(address % 250) + 1}`,
        },
        body: step.body === undefined ? undefined : JSON.stringify(step.body),
      });
      await res.arrayBuffer();
      result.latenciesMs.push(performance.now() - started);
      result.requests++;
      const name = `${step.method} ${step.path}`;
      result.perStep[name] = (result.perStep[name] ?? 0) + 1;
      if (res.status !== step.status) result.wrongStatus.push(`${step.method} ${step.path} → ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return result;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
