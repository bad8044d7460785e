/** Builders for wire batches and store batches, with fresh time-ordered ids. */
import { uuidv7 } from "../../src/ingest/ids.js";
import type { IngestBatch } from "../../src/store/event-store.js";

export const INSTALLATION = "0190a0b0-0000-4000-8000-000000000001";

type Props = Record<string, unknown>;

export const PROPS = {
  init: {
    betterAuthVersion: "1.7.25",
    database: { kind: "sqlite", adapter: "kysely" },
    plugins: ["admin", "organization"],
    customPluginCount: 1,
    socialProviders: ["github"],
    features: { emailAndPassword: true, minPasswordLength: 12 },
  },
  api_request: {
    route: "/sign-in/email",
    method: "POST",
    status: 200,
    source: "handler",
    count: 3,
    duration: { sumMs: 41.5, maxMs: 22.1, buckets: [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0] },
  },
  error: { type: "APIError", code: "INVALID_EMAIL_OR_PASSWORD", status: 401, route: "/sign-in/email", count: 2 },
  auth_success: { method: "email", kind: "sign-in", count: 4 },
  auth_failure: { method: "social", provider: "github", kind: "sign-in", reason: "INVALID_TOKEN", count: 5 },
} satisfies Record<string, Props>;

export type Type = keyof typeof PROPS;

export interface WireEventInput {
  id: string;
  type: string;
  ts: number;
  props: Props;
  [extra: string]: unknown;
}

export function wireEvent(type: Type = "api_request", overrides: Partial<WireEventInput> = {}): WireEventInput {
  return { id: uuidv7(), type, ts: Date.now() - 10_000, props: structuredClone(PROPS[type]) as Props, ...overrides };
}

export function wireBatch(overrides: Record<string, unknown> = {}, events?: WireEventInput[]): Record<string, unknown> {
  return {
    v: 1,
    installationId: INSTALLATION,
    idKind: "persistent",
    sdkVersion: "0.1.0",
    sentAt: Date.now(),
    context: {
      runtime: "node",
      runtimeVersion: "20.20.2",
      platform: "linux",
      arch: "x64",
      framework: "hono",
      frameworkVersion: "4.13.19",
      environment: "production",
    },
    additionalData: { region: "eu-west", tier: "pro" },
    events:
      events ?? (["init", "api_request", "error", "auth_success", "auth_failure"] as const).map((t) => wireEvent(t)),
    ...overrides,
  };
}

/** `n` events cycling through the types. */
export function manyEvents(n: number): WireEventInput[] {
  const types = Object.keys(PROPS) as Type[];
  return Array.from({ length: n }, (_, i) => wireEvent(types[i % types.length]));
}

/** A batch as the store receives it (already validated). */
export function ingestBatch(
  options: { installationId?: string; events?: number; type?: Type; ts?: number } = {},
): IngestBatch {
  const type = options.type ?? "api_request";
  return {
    envelope: {
      source: "sdk",
      installationId: options.installationId ?? INSTALLATION,
      idKind: "persistent",
      sdkVersion: "0.1.0",
      context: { runtime: "node", runtimeVersion: "20.20.2", framework: "hono", environment: "production" },
      additionalData: { region: "eu-west" },
    },
    events: Array.from({ length: options.events ?? 3 }, () => ({
      id: uuidv7(),
      type,
      ts: options.ts ?? Date.now(),
      props: structuredClone(PROPS[type]) as Props,
    })),
  };
}
