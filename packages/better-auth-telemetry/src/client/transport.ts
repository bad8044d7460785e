/**
 * What a delivery attempt can come to, independent of how the bytes travel.
 * Only a transport talks to the network; the runtime-specific ones live in
 * platform/ behind this interface.
 */

export interface SendRequest {
  url: string;
  method?: "POST" | "DELETE";
  body?: string;
  timeoutMs: number;
}

export type SendOutcome =
  | { kind: "delivered"; status: number }
  /** Worth trying again later: network error, timeout, 429 or 5xx. */
  | { kind: "retry"; status?: number; retryAfterMs?: number; error?: string }
  /** The endpoint refused this batch for good (another 4xx): sending it again cannot help. */
  | { kind: "rejected"; status: number };

export interface Transport {
  send(request: SendRequest): Promise<SendOutcome>;
}

/** Bodies smaller than this go uncompressed: gzip's header and CPU cost more than they save. */
export const GZIP_MIN_BYTES = 1024;

const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined;
}

export function classifyStatus(status: number, retryAfter: string | null | undefined): SendOutcome {
  if (status >= 200 && status < 300) return { kind: "delivered", status };
  if (status === 429 || status >= 500 || status === 408) {
    return { kind: "retry", status, retryAfterMs: parseRetryAfter(retryAfter) };
  }
  return { kind: "rejected", status };
}
