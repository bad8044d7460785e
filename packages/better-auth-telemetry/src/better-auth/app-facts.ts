/**
 * What the integration learns about an app once, when its auth context is
 * created: the routes its router serves, the error codes its Better Auth
 * defines, and the social providers it configured.
 */
import { BASE_ERROR_CODES, type BetterAuthOptions } from "better-auth";
import type { SnapshotSource } from "./config-snapshot.js";
import { routesFor } from "./endpoint-routes.js";
import { asRecord } from "./request-state.js";
import { createRouteTable, type RouteTable } from "./routes.js";

/** The parts of Better Auth's `AuthContext` the integration reads. */
export interface AuthContextLike extends SnapshotSource {
  baseURL?: unknown;
  socialProviders?: unknown;
  logger?: unknown;
}

export interface AppFacts {
  routes: RouteTable;
  /** Better Auth's and the plugins' error codes: the only upper-case codes a redirect may report. */
  knownCodes: ReadonlySet<string>;
  /** Social provider ids the app configured, generic OAuth ones included. */
  configuredProviders: ReadonlySet<string>;
}

/** Before `init`: no routes known yet, Better Auth's own codes. */
export const NO_FACTS: AppFacts = {
  routes: createRouteTable({ endpoints: [], basePath: "/api/auth" }),
  knownCodes: new Set(Object.keys(BASE_ERROR_CODES)),
  configuredProviders: new Set(),
};

function pluginErrorCodes(options: BetterAuthOptions): string[] {
  return (options.plugins ?? []).flatMap((plugin) => Object.keys(plugin.$ERROR_CODES ?? {}));
}

function providerIds(ctx: AuthContextLike): Set<string> {
  const ids = new Set(Object.keys(ctx.options.socialProviders ?? {}));
  if (Array.isArray(ctx.socialProviders)) {
    for (const provider of ctx.socialProviders) {
      const id = asRecord(provider)?.id;
      if (typeof id === "string") ids.add(id);
    }
  }
  return ids;
}

export function appFacts(ctx: AuthContextLike): AppFacts {
  return {
    routes: routesFor(ctx),
    knownCodes: new Set([...NO_FACTS.knownCodes, ...pluginErrorCodes(ctx.options)]),
    configuredProviders: providerIds(ctx),
  };
}
