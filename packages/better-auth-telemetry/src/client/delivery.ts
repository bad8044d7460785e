/**
 * Moves batches from the queue to the endpoint, one request at a time: a
 * retryable failure puts the batch back where it was and waits (exponential
 * backoff with full jitter, or the server's Retry-After); a refusal (4xx)
 * discards it. Nothing here ever throws to the caller.
 */
import type { WireBatch, WireEvent } from "@better-auth-telemetry/protocol";
import { sleep } from "./platform/timers.js";
import type { BoundedQueue } from "./queue.js";
import type { SendOutcome, Transport } from "./transport.js";

export interface DeliveryOptions {
  queue: BoundedQueue<WireEvent>;
  transport: Transport;
  url: string;
  maxBatchSize: number;
  timeoutMs: number;
  maxRetries: number;
  /** Builds the batch around these events (envelope, guard); undefined when nothing may be sent. */
  build(events: WireEvent[], dropped: number): Promise<{ body: string; batch: WireBatch } | undefined>;
  /** Called with each outcome, for debug output. */
  report(outcome: SendOutcome, events: number): void;
}

const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

export function backoffMs(failures: number, random = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class Delivery {
  private running?: Promise<void>;
  private failures = 0;
  private notBefore = 0;
  /** The current wait is the server's (Retry-After), which a flush must respect too. */
  private serverSaidWait = false;
  private wakeUp?: () => void;
  stopped = false;

  constructor(private readonly o: DeliveryOptions) {}

  /** A round is running (its batch may be out of the queue and on the wire). */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Cuts short our own backoff (not a server's Retry-After): an explicit flush
   * means "try now", typically at shutdown, when waiting out a long backoff
   * would lose the batch.
   */
  wake(): void {
    if (this.serverSaidWait) return;
    this.notBefore = 0;
    this.wakeUp?.();
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeUp = () => resolve();
      void sleep(ms).then(() => resolve());
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }

  /** Sends until the queue is empty, the retries of this round are spent, or it is stopped. Shared by concurrent callers. */
  drain(): Promise<void> {
    this.running ??= this.loop()
      .catch(() => {})
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async loop(): Promise<void> {
    let attempts = 0;
    while (!this.stopped && this.o.queue.length > 0) {
      const wait = this.notBefore - Date.now();
      if (wait > 0) await this.wait(wait);
      if (this.stopped) return;

      const events = this.o.queue.take(this.o.maxBatchSize);
      const dropped = this.o.queue.dropped;
      const built = await this.o.build(events, dropped);
      if (!built) continue;
      const outcome = await this.o.transport.send({ url: this.o.url, body: built.body, timeoutMs: this.o.timeoutMs });
      this.o.report(outcome, events.length);

      if (outcome.kind === "retry") {
        this.o.queue.restore(events);
        this.failures++;
        this.serverSaidWait = outcome.retryAfterMs !== undefined;
        this.notBefore = Date.now() + (outcome.retryAfterMs ?? backoffMs(this.failures));
        if (++attempts > this.o.maxRetries) return; // the next flush tick starts a new round
        continue;
      }
      // delivered, or refused for good: either way this batch is done, and so is its drop report
      this.o.queue.dropped = Math.max(0, this.o.queue.dropped - dropped);
      if (outcome.kind === "delivered") {
        this.failures = 0;
        this.notBefore = 0;
        this.serverSaidWait = false;
      }
    }
  }
}
