/**
 * createTelemetry: the generic client. It records events into an aggregation
 * window, moves them to a bounded queue on each flush tick, and hands batches
 * to delivery. Recording is synchronous and cheap; everything that waits
 * (identity, detection, the network) happens later, off the host's path.
 */
import { type EventType, isEventType, sanitizeEvent, type WireEvent } from "@better-auth-telemetry/protocol";
import { Aggregator } from "./aggregate.js";
import { consoleLogger, type ResolvedConfig, resolveConfig } from "./config.js";
import { Delivery } from "./delivery.js";
import { detectFramework } from "./detect/framework.js";
import { detectRuntime } from "./detect/runtime.js";
import { guardAdditionalData, guardBatch } from "./guard.js";
import { type Identity, loadIdentity } from "./identity.js";
import { createTransport, onBeforeExit } from "./platform/index.js";
import { unrefInterval } from "./platform/timers.js";
import { BoundedQueue } from "./queue.js";
import type { SendOutcome, Transport } from "./transport.js";
import type { Telemetry, TelemetryLogger, TelemetryOptions, TelemetryStatus } from "./types.js";
import { uuidv7 } from "./uuid.js";
import { SDK_VERSION } from "./version.js";

/** How long a process that ran out of work waits for its last batch (`beforeExit`). */
const EXIT_FLUSH_MS = 1_000;
/** setTimeout's ceiling: a longer delay fires at once, with a warning on the host's stderr. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A caller's `{ timeoutMs }`, or `fallback` for anything that is not a usable number of milliseconds. */
function deadlineOf(options: unknown, fallback: number): number {
  const ms =
    typeof options === "object" && options !== null ? (options as { timeoutMs?: unknown }).timeoutMs : undefined;
  if (typeof ms !== "number" || Number.isNaN(ms)) return fallback;
  return Math.min(Math.max(ms, 0), MAX_TIMER_MS);
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let memo: Promise<T> | undefined;
  return () => {
    memo ??= fn();
    return memo;
  };
}

/** Races `work` against a deadline; `hold` keeps the process alive until one of them ends. */
function within(work: Promise<unknown>, ms: number, hold = false): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!hold) (timer as { unref?: () => void }).unref?.();
    work.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

function createDebugTransport(logger: TelemetryLogger): Transport {
  return {
    async send(request) {
      logger.debug(`payload (debug: not sent) → ${request.url}\n${request.body ?? ""}`);
      return { kind: "delivered", status: 200 };
    },
  };
}

function forgetUrl(endpoint: string, id: string): string {
  const url = new URL(endpoint);
  url.pathname = `${url.pathname.replace(/\/v1\/events\/?$/, "").replace(/\/$/, "")}/v1/installations/${id}`;
  url.search = "";
  return url.href;
}

function makeIdentity(options: TelemetryOptions, config: ResolvedConfig) {
  // async, so that even reading the option (a throwing getter) ends in a rejection the callers handle
  return once<Identity>(async () => loadIdentity({ env: config.env, path: options.installationIdPath }));
}

function disabledClient(options: TelemetryOptions, config: ResolvedConfig): Telemetry {
  const identity = makeIdentity(options, config);
  const status: TelemetryStatus = { enabled: false, reason: config.reason, debug: config.debug };
  return {
    track() {},
    status: () => ({ ...status }),
    flush: async () => {},
    shutdown: async () => {},
    // an opted-out app may still ask for what was sent earlier to be erased
    forget: () => forget(config, identity, createTransport()),
    identity: () =>
      identity().then(
        ({ id, storage }) => ({ id, storage }),
        () => undefined,
      ),
  };
}

async function forget(config: ResolvedConfig, identity: () => Promise<Identity>, transport: Transport) {
  try {
    const { id } = await identity();
    const outcome = await transport.send({
      url: forgetUrl(config.endpoint, id),
      method: "DELETE",
      timeoutMs: config.timeoutMs,
    });
    return outcome.kind === "delivered";
  } catch {
    return false;
  }
}

function enabledClient(options: TelemetryOptions, config: ResolvedConfig, logger: TelemetryLogger): Telemetry {
  const warned = new Set<string>();
  const warnOnce = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    logger.warn(message);
  };
  const additionalData = guardAdditionalData(options.additionalData, (d) =>
    warnOnce(`${d.path} not sent: ${d.reason}`),
  );
  const identity = makeIdentity(options, config);
  const context = once(async () => ({ ...detectRuntime(config.env), ...(await detectFramework()) }));
  const aggregator = new Aggregator(config.maxQueueSize);
  const queue = new BoundedQueue<WireEvent>(config.maxQueueSize);
  const transport = config.debug ? createDebugTransport(logger) : createTransport();
  const debugDrop = config.debug
    ? (d: { path: string; reason: string }) => logger.debug(`dropped ${d.path}: ${d.reason}`)
    : undefined;

  const delivery = new Delivery({
    queue,
    transport,
    url: config.endpoint,
    maxBatchSize: config.maxBatchSize,
    timeoutMs: config.timeoutMs,
    maxRetries: config.maxRetries,
    async build(events, dropped) {
      const [id, ctx] = await Promise.all([identity(), context()]);
      const batch = guardBatch(
        {
          installationId: id.id,
          idKind: id.kind,
          sdkVersion: SDK_VERSION,
          sentAt: Date.now(),
          dropped: dropped || undefined,
          context: ctx,
          additionalData,
        },
        events,
        debugDrop,
      );
      if (!batch) return undefined;
      try {
        options.onPayload?.(batch);
      } catch {
        // an observer's bug must not stop delivery
      }
      return { batch, body: JSON.stringify(batch) };
    },
    report(outcome: SendOutcome) {
      if (config.debug || outcome.kind === "delivered") return;
      if (outcome.kind === "rejected") warnOnce(`endpoint refused a batch (HTTP ${outcome.status}); it was discarded`);
    },
  });

  let stopped = false;
  const handOff = (promise: Promise<void>) => {
    try {
      options.waitUntil?.(promise);
    } catch {
      // a platform's waitUntil outside a request throws; delivery goes on regardless
    }
    return promise;
  };
  const moveWindow = () => {
    const events = aggregator.drain();
    if (events.length) queue.push(events);
  };
  const tick = () => {
    moveWindow();
    if (queue.length) void handOff(delivery.drain());
  };
  const interval = unrefInterval(tick, config.flushIntervalMs);
  const stopExitHook = onBeforeExit(async () => {
    if (stopped) return;
    moveWindow();
    if (queue.length) await within(handOff(delivery.drain()), EXIT_FLUSH_MS, true);
  });

  const flush = async (options?: { timeoutMs?: number }) => {
    try {
      if (stopped) return;
      const timeoutMs = deadlineOf(options, 10_000);
      moveWindow();
      delivery.wake();
      // A round already running holds batches taken out of the queue: wait for it too.
      // The host awaits this, so the deadline holds the process open (an unref'd one would
      // let Node exit mid-await with code 13); the deadline bounds how long.
      if (queue.length || delivery.busy) await within(handOff(delivery.drain()), timeoutMs, true);
    } catch {
      // never into the host
    }
  };

  return {
    track<T extends EventType>(type: T, props: unknown) {
      try {
        if (stopped || !isEventType(type)) return;
        if (type === "init") {
          const event = sanitizeEvent({ id: uuidv7(), type, ts: Date.now(), props }, debugDrop);
          if (event) {
            queue.push([event]);
            void handOff(delivery.drain());
          }
          return;
        }
        const result = aggregator.add(type as Exclude<EventType, "init">, props as Record<string, unknown>);
        if (result === "full") queue.dropped++;
        else if (result === "invalid") debugDrop?.({ path: type, reason: "event failed its declaration" });
        else if (result === "added" && aggregator.size >= config.maxBatchSize) tick();
      } catch {
        // hostile props (throwing getters, proxies) must not reach the host
      }
    },
    status: () => ({ enabled: true, reason: config.reason, endpoint: config.endpoint, debug: config.debug }),
    flush,
    async shutdown(options?: { timeoutMs?: number }) {
      if (stopped) return;
      try {
        clearInterval(interval);
        stopExitHook();
        await flush({ timeoutMs: deadlineOf(options, 5_000) });
      } catch {
        // never into the host
      }
      stopped = true;
      delivery.stopped = true;
      queue.clear();
    },
    forget: () => forget(config, identity, config.debug ? createTransport() : transport),
    identity: () =>
      identity().then(
        ({ id, storage }) => ({ id, storage }),
        () => undefined,
      ),
  };
}

/** A telemetry client. Whatever it is given, it never throws and never blocks the host. */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  // not an object (null, a number) reads as no options; a hostile one (a throwing proxy) switches telemetry off below
  const given: TelemetryOptions = typeof options === "object" && options !== null ? options : {};
  let config: ResolvedConfig;
  try {
    config = resolveConfig(given);
  } catch {
    config = { ...resolveConfig({ enabled: false }), reason: "invalid-options" };
  }
  try {
    const logger = given.logger ?? consoleLogger;
    if (config.warning) logger.warn(config.warning);
    return config.enabled ? enabledClient(given, config, logger) : disabledClient(given, config);
  } catch {
    // a client that was to be off stays off for the reason that decided it
    return disabledClient(given, {
      ...config,
      enabled: false,
      reason: config.enabled ? "internal-error" : config.reason,
    });
  }
}
