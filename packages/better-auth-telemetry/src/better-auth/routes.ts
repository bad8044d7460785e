/**
 * Route templates. Every request is reported under the template Better Auth's
 * router would match (`/callback/:id`, never `/callback/github?code=…`), so a
 * concrete id, token or search cannot travel in a route. The table matches the
 * path itself, as better-call does, so requests that Better Auth answers before
 * any endpoint runs (rate-limited 429s, disabled paths) keep their route too.
 */
import { isReportableRoute } from "@better-auth-telemetry/protocol";

/** Every path the app does not define shares this one bucket. */
export const UNKNOWN_ROUTE = "*";
/**
 * Endpoints of plugins Better Auth does not ship. Their paths are the app's own
 * words (possibly a company's name), so like custom plugin ids they are counted,
 * never named.
 */
export const CUSTOM_ROUTE = "/:custom";
/** Server-only endpoints without a path; Better Auth names them so in its own spans. */
export const VIRTUAL_ROUTE = "/:virtual";

export interface EndpointInfo {
  path: string | undefined;
  /** HTTP methods the endpoint answers; `*` for any. */
  methods: readonly string[];
  /** Contributed by a plugin Better Auth does not ship. */
  custom: boolean;
  /** better-call never routes these over HTTP (`metadata.SERVER_ONLY`). */
  serverOnly: boolean;
}

export interface RouteTableOptions {
  endpoints: readonly EndpointInfo[];
  /** The router's base path, `/api/auth` by default; `""` when mounted at the root. */
  basePath: string;
  /** Better Auth's `advanced.skipTrailingSlashes`. */
  skipTrailingSlashes?: boolean;
}

export interface RouteTable {
  /** The reportable template for an HTTP request, as Better Auth's router would match it. */
  match(method: string, pathname: string): string;
  /** The reportable form of an endpoint path (from a hook context or an `auth.api` function). */
  template(path: string | undefined): string;
  /** The first method an endpoint path answers, for direct calls that carry none. */
  methodOf(path: string | undefined): string | undefined;
}

interface DynamicRoute {
  methods: readonly string[];
  segments: readonly (string | null)[];
  report: string;
}

/** The path of a URL string without building a URL object: `Request.url` is already normalised. */
export function pathnameOf(url: string): string {
  const scheme = url.indexOf("://");
  const start = scheme === -1 ? url.indexOf("/") : url.indexOf("/", scheme + 3);
  if (start === -1) return "/";
  let end = url.length;
  const query = url.indexOf("?", start);
  if (query !== -1) end = query;
  const hash = url.indexOf("#", start);
  if (hash !== -1 && hash < end) end = hash;
  return url.slice(start, end);
}

/** Normalises a base path the way better-call does: no trailing slash, `""` for the root. */
export function normaliseBasePath(basePath: string | undefined): string {
  if (!basePath || basePath === "/") return "";
  const trimmed = basePath.replace(/\/+$/, "");
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

const answers = (methods: readonly string[], method: string) => methods.includes(method) || methods.includes("*");

export function createRouteTable(options: RouteTableOptions): RouteTable {
  const basePath = normaliseBasePath(options.basePath);
  const customPaths = new Set<string>();
  const methodsByPath = new Map<string, string[]>();
  const statics = new Map<string, { methods: readonly string[]; report: string }[]>();
  const dynamics: DynamicRoute[] = [];

  const report = (path: string | undefined): string => {
    if (path === undefined) return VIRTUAL_ROUTE;
    return customPaths.has(path) || !isReportableRoute(path) ? CUSTOM_ROUTE : path;
  };

  for (const endpoint of options.endpoints) {
    if (endpoint.path !== undefined && endpoint.custom) customPaths.add(endpoint.path);
  }
  for (const endpoint of options.endpoints) {
    const { path, methods } = endpoint;
    if (path === undefined) continue;
    methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), ...methods]);
    if (endpoint.serverOnly) continue;
    const entry = { methods, report: report(path) };
    if (path.includes("/:") || path.includes("*")) {
      const segments = path.split("/").map((s) => (s.startsWith(":") || s === "*" || s === "**" ? null : s));
      dynamics.push({ ...entry, segments });
    } else {
      statics.set(path, [...(statics.get(path) ?? []), entry]);
    }
  }
  // most literal segments first: rou3 prefers a static segment over a parameter
  const literals = (r: DynamicRoute) => r.segments.filter((s) => s !== null).length;
  dynamics.sort((a, b) => literals(b) - literals(a));

  return {
    match(method, pathname) {
      if (basePath && !pathname.startsWith(`${basePath}/`)) return UNKNOWN_ROUTE;
      let path = basePath ? pathname.slice(basePath.length) : pathname;
      if (path.length === 0 || path.includes("//")) return UNKNOWN_ROUTE;
      // better-call answers 404 when the trailing slash differs from the endpoint's path, unless told to ignore it
      if (path.length > 1 && path.endsWith("/")) {
        if (!options.skipTrailingSlashes) return UNKNOWN_ROUTE;
        path = path.slice(0, -1);
      }
      for (const entry of statics.get(path) ?? []) if (answers(entry.methods, method)) return entry.report;
      if (dynamics.length === 0) return UNKNOWN_ROUTE;
      const segments = path.split("/");
      for (const route of dynamics) {
        if (route.segments.length !== segments.length || !answers(route.methods, method)) continue;
        let ok = true;
        for (let i = 0; i < segments.length && ok; i++) {
          const literal = route.segments[i];
          ok = literal === null ? segments[i] !== "" : literal === segments[i];
        }
        if (ok) return route.report;
      }
      return UNKNOWN_ROUTE;
    },
    template: report,
    methodOf(path) {
      const method = path === undefined ? undefined : methodsByPath.get(path)?.[0];
      return method === "*" ? undefined : method;
    },
  };
}
