/**
 * The stats API's query string (zod) and responses (JSON Schema, which
 * Fastify compiles into a serializer that drops anything not listed).
 *
 * Filters: `runtime`, `framework`, `environment` (the protocol's values) and
 * `data=<key>:<value>` for additionalData, repeatable (all must match). A
 * plain GET form can send all of them, so the dashboard page takes the same
 * query string; empty values count as absent for the same reason.
 */
import { ADDITIONAL_DATA, ENVIRONMENTS, FRAMEWORKS, RUNTIMES } from "@better-auth-telemetry/protocol";
import { z } from "zod";
import type { DashboardFilter } from "../store/dashboard-types.js";
import { instant } from "./schemas.js";

export const MAX_DATA_FILTERS = 4;
export const MAX_LIMIT = 500;

const DATA_KEY = ADDITIONAL_DATA.key.pattern;
const DATA_VALUE = ADDITIONAL_DATA.value.pattern;

/** A form's empty field is an absent one. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** `region:eu-west-1`: the key must match the protocol's DATA_KEY, the value DATA_VALUE. */
const dataCondition = z
  .string()
  .max(100)
  .transform((raw, ctx) => {
    const colon = raw.indexOf(":");
    const key = colon < 0 ? raw : raw.slice(0, colon);
    const value = colon < 0 ? "" : raw.slice(colon + 1);
    if (colon < 0 || !DATA_KEY.test(key)) {
      ctx.addIssue({
        code: "custom",
        message: "expected <key>:<value>, the key being an additionalData key (e.g. region:eu-west-1)",
      });
      return z.NEVER;
    }
    if (!DATA_VALUE.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: "the value may hold letters, digits, spaces and _ . : / + - (at most 64)",
      });
      return z.NEVER;
    }
    return { key, value };
  });

export const statsQuerySchema = z
  .object({
    from: optional(instant),
    to: optional(instant),
    runtime: optional(z.enum(RUNTIMES)),
    framework: optional(z.enum(FRAMEWORKS)),
    environment: optional(z.enum(ENVIRONMENTS)),
    data: z
      .preprocess(
        (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x) => x !== ""),
        z.array(dataCondition).max(MAX_DATA_FILTERS, `at most ${MAX_DATA_FILTERS} data filters`),
      )
      .optional(),
    limit: optional(z.coerce.number().int().min(1).max(MAX_LIMIT)),
  })
  .strict();

export type StatsQuery = z.output<typeof statsQuerySchema>;

export function filterOf(query: StatsQuery): DashboardFilter {
  const filter: DashboardFilter = {};
  if (query.runtime) filter.runtime = query.runtime;
  if (query.framework) filter.framework = query.framework;
  if (query.environment) filter.environment = query.environment;
  if (query.data?.length) filter.data = query.data;
  return filter;
}

// ---- responses

const count = { type: "integer", minimum: 0 } as const;
const number = { type: "number" } as const;
const nullable = <T extends { type: string }>(schema: T) => ({ ...schema, type: [schema.type, "null"] }) as const;
const str = { type: "string" } as const;
const nstr = { type: ["string", "null"] } as const;
const countMap = { type: "object", additionalProperties: count } as const;

const object = (properties: Record<string, unknown>) =>
  ({ type: "object", required: Object.keys(properties), properties }) as const;
const array = (items: unknown) => ({ type: "array", items }) as const;

const envelope = {
  range: object({ from: count, to: count, firstDay: str, lastDay: str, days: count }),
  filter: {
    type: "object",
    properties: {
      runtime: str,
      framework: str,
      environment: str,
      data: array(object({ key: str, value: str })),
    },
  },
  k: nullable(count),
  withheld: { type: "boolean" },
  suppressed: count,
  active: nullable(count),
};

const share = object({ value: nstr, installations: count, share: number });

const response = (properties: Record<string, unknown>) => object({ ...envelope, ...properties });

export const installationsResponse = response({
  new: nullable(count),
  daily: array(object({ date: str, active: count, new: count })),
  weekly: array(object({ week: str, active: count, partial: { type: "boolean" } })),
});

export const breakdownsResponse = response({
  configured: nullable(count),
  dimensions: object(
    Object.fromEntries(
      [
        "runtime",
        "runtimeVersion",
        "framework",
        "environment",
        "betterAuthVersion",
        "databaseKind",
        "databaseAdapter",
      ].map((d) => [d, array(share)]),
    ),
  ),
});

export const adoptionResponse = response({
  configured: nullable(count),
  plugins: array(share),
  socialProviders: array(share),
  features: array(share),
});

export const errorsResponse = response({
  total: { ...object({ occurrences: count, installations: count, share: number }), type: ["object", "null"] },
  codes: array(object({ code: nstr, occurrences: count, installations: count, share: number })),
  types: array(object({ type: nstr, occurrences: count, installations: count, share: number })),
  series: object({ days: array(str), codes: array(object({ code: nstr, occurrences: array(count) })) }),
});

export const requestsResponse = response({
  total: { ...object({ requests: count, statusClasses: countMap }), type: ["object", "null"] },
  routes: array(
    object({
      route: str,
      method: str,
      requests: count,
      installations: count,
      statusClasses: countMap,
      serverErrorRate: number,
      meanMs: nullable(number),
      p50Ms: nullable(number),
      p95Ms: nullable(number),
      p99Ms: nullable(number),
    }),
  ),
  series: object({ days: array(str), statusClasses: { type: "object", additionalProperties: array(count) } }),
});

export const authResponse = response({
  total: {
    ...object({
      successes: count,
      failures: count,
      successRate: nullable(number),
      kinds: array(object({ kind: nstr, successes: count, failures: count })),
    }),
    type: ["object", "null"],
  },
  groups: array(
    object({
      method: str,
      provider: nstr,
      successes: count,
      failures: count,
      successRate: nullable(number),
      installations: count,
    }),
  ),
  reasons: array(object({ reason: nstr, occurrences: count, installations: count })),
  series: object({ days: array(str), successes: array(count), failures: array(count) }),
});
