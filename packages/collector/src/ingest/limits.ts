/**
 * Token-bucket rate limits, kept in memory only: the keys are client IPs and
 * installation ids, and neither may reach the store or the log. The map is
 * bounded, so a flood of distinct keys costs memory up to `maxKeys` and no more.
 */

export interface RateLimit {
  /** Tokens added per second; 0 disables the limit. */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

export interface RateLimiterOptions extends RateLimit {
  /** Distinct keys remembered; the least recently seen are forgotten first. @default 100000 */
  maxKeys?: number;
  /** Milliseconds clock, injectable for tests. @default Date.now */
  now?: () => number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    this.#perMs = options.perSecond / 1000;
    this.#burst = options.burst;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.#perMs > 0;
  }

  /** Takes one token for `key`, or says how long until one is available. */
  take(key: string): TakeResult {
    if (!this.enabled) return { ok: true };
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#perMs);
      bucket.at = now;
      // re-insert so the Map's order is least-recently-seen first
      this.#buckets.delete(key);
    } else {
      bucket = { tokens: this.#burst, at: now };
      this.#evict();
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000)) };
  }

  get size(): number {
    return this.#buckets.size;
  }

  #evict(): void {
    while (this.#buckets.size >= this.#maxKeys) {
      const oldest = this.#buckets.keys().next();
      if (oldest.done) return;
      this.#buckets.delete(oldest.value);
    }
  }
}

/**
 * The rate-limit key for a client address. IPv6 clients are grouped by /64,
 * the block one subscriber usually gets, so rotating addresses within it does
 * not multiply the allowance.
 */
export function ipKey(ip: string): string {
  const v4 = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  if (!v4.includes(":")) return v4;
  const [head = "", tail = ""] = v4.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = v4.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
