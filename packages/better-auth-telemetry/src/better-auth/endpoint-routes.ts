/**
 * Builds the route table for an auth context from the endpoints its router
 * serves: Better Auth's own and every plugin's, the latter marked custom when
 * the plugin is not one Better Auth ships.
 */
import { KNOWN_PLUGINS } from "@better-auth-telemetry/protocol";
import type { BetterAuthOptions } from "better-auth";
import { getEndpoints } from "better-auth/api";
import { createRouteTable, type EndpointInfo, type RouteTable } from "./routes.js";

const KNOWN: ReadonlySet<string> = new Set(KNOWN_PLUGINS);

interface EndpointLike {
  path?: unknown;
  options?: { method?: unknown; metadata?: { SERVER_ONLY?: unknown } };
}

export interface RouteSource {
  options: BetterAuthOptions;
  /** The resolved base URL (`http://localhost:3000/api/auth`); its path is the router's base path. */
  baseURL?: unknown;
}

function describe(endpoint: EndpointLike, custom: boolean): EndpointInfo {
  const method = endpoint.options?.method;
  const methods = Array.isArray(method) ? method.filter((m) => typeof m === "string") : [method ?? "*"];
  return {
    path: typeof endpoint.path === "string" ? endpoint.path : undefined,
    methods: methods.map(String),
    custom,
    serverOnly: Boolean(endpoint.options?.metadata?.SERVER_ONLY),
  };
}

function basePathOf(source: RouteSource): string {
  if (typeof source.baseURL === "string" && source.baseURL) {
    try {
      return new URL(source.baseURL).pathname;
    } catch {
      // fall back to the option
    }
  }
  return source.options.basePath ?? "/api/auth";
}

export function routesFor(source: RouteSource): RouteTable {
  const customPaths = new Set<string>();
  const pluginEndpoints: EndpointInfo[] = [];
  for (const plugin of source.options.plugins ?? []) {
    const custom = !KNOWN.has(plugin.id);
    for (const endpoint of Object.values(plugin.endpoints ?? {}) as EndpointLike[]) {
      const info = describe(endpoint, custom);
      pluginEndpoints.push(info);
      if (custom && info.path !== undefined) customPaths.add(info.path);
    }
  }
  let endpoints: EndpointInfo[];
  try {
    // the same list Better Auth's handler builds its router from, so the table cannot drift from the routes it serves
    const { api } = getEndpoints(source as never, source.options);
    endpoints = (Object.values(api) as EndpointLike[]).map((endpoint) => {
      const info = describe(endpoint, false);
      return { ...info, custom: info.path !== undefined && customPaths.has(info.path) };
    });
  } catch {
    endpoints = pluginEndpoints;
  }
  return createRouteTable({
    endpoints,
    basePath: basePathOf(source),
    skipTrailingSlashes: source.options.advanced?.skipTrailingSlashes === true,
  });
}
