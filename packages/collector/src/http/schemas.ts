/**
 * Request schemas (zod) and response schemas (JSON Schema, which Fastify
 * compiles into a serializer that also drops any property not listed here).
 */
import { EVENT_TYPES } from "@better-auth-telemetry/protocol";
import { z } from "zod";

const UUID_LOOSE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Better Auth's anonymousId: a base64 SHA-256, or 32 random letters and digits. */
export const trackBodySchema = z.object({
  type: z.string().min(1).max(64),
  anonymousId: z.string().regex(/^[A-Za-z0-9+/=_-]{8,128}$/, "must be Better Auth's anonymousId"),
  payload: z.unknown().optional(),
});

/** A time bound: Unix milliseconds or an ISO 8601 date/time. */
export const instant = z
  .string()
  .max(64)
  .transform((value, ctx) => {
    const ms = /^\d{1,16}$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: "custom", message: "expected Unix milliseconds or an ISO 8601 date" });
      return z.NEVER;
    }
    return ms;
  });

export const overviewQuerySchema = z
  .object({ from: instant.optional(), to: instant.optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: "from must not be after to",
    path: ["from"],
  });

export const MAX_EVENTS_LIMIT = 1000;

export const recentEventsQuerySchema = z.object({
  type: z.enum(EVENT_TYPES).optional(),
  installationId: z
    .string()
    .regex(UUID_LOOSE, "must be a UUID")
    .transform((s) => s.toLowerCase())
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_EVENTS_LIMIT).default(50),
});

export const installationParamsSchema = z.object({
  id: z
    .string()
    .regex(UUID_LOOSE, "must be a UUID")
    .transform((s) => s.toLowerCase()),
});

const count = { type: "integer", minimum: 0 } as const;

export const errorResponse = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "path"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        path: { type: ["string", "null"] },
      },
    },
  },
} as const;

/** Error responses every route may give. */
export const errorResponses = { "4xx": errorResponse, "5xx": errorResponse } as const;

export const ingestResponse = {
  type: "object",
  required: ["accepted", "duplicates", "dropped"],
  properties: { accepted: count, duplicates: count, dropped: count },
} as const;

export const overviewResponse = {
  type: "object",
  required: ["from", "to", "events", "installations"],
  properties: {
    from: { type: ["integer", "null"] },
    to: { type: ["integer", "null"] },
    events: {
      type: "object",
      required: [...EVENT_TYPES],
      properties: Object.fromEntries(EVENT_TYPES.map((t) => [t, count])),
    },
    installations: count,
  },
} as const;

const scalarMap = {
  type: ["object", "null"],
  additionalProperties: { type: ["string", "number", "boolean"] },
} as const;

export const recentEventsResponse = {
  type: "object",
  required: ["events"],
  properties: {
    events: {
      type: "array",
      items: {
        type: "object",
        properties: {
          id: { type: "string" },
          type: { type: "string" },
          ts: { type: "integer" },
          receivedAt: { type: "integer" },
          count,
          source: { type: "string" },
          installationId: { type: "string" },
          idKind: { type: "string" },
          sdkVersion: { type: ["string", "null"] },
          context: { type: "object", additionalProperties: { type: "string" } },
          additionalData: scalarMap,
          props: { type: "object", additionalProperties: true },
        },
      },
    },
  },
} as const;

export const eraseResponse = {
  type: "object",
  required: ["erased"],
  properties: { erased: count },
} as const;

export const statusResponse = {
  type: "object",
  required: ["status"],
  properties: { status: { type: "string" } },
} as const;
