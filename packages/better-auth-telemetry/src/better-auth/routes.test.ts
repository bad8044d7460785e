import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CUSTOM_ROUTE,
  createRouteTable,
  type EndpointInfo,
  pathnameOf,
  UNKNOWN_ROUTE,
  VIRTUAL_ROUTE,
} from "./routes.js";

const ep = (path: string | undefined, methods: string[], extra: Partial<EndpointInfo> = {}): EndpointInfo => ({
  path,
  methods,
  custom: false,
  serverOnly: false,
  ...extra,
});

const table = createRouteTable({
  basePath: "/api/auth",
  endpoints: [
    ep("/sign-in/email", ["POST"]),
    ep("/get-session", ["GET", "POST"]),
    ep("/callback/:id", ["GET", "POST"]),
    ep("/reset-password", ["POST"]),
    ep("/reset-password/:token", ["GET"]),
    ep("/organization/list", ["GET"]),
    ep("/organization/:orgId", ["GET"]),
    ep("/acme/billing-sync", ["POST"], { custom: true }),
    ep("/.well-known/openid-configuration", ["GET"]),
    ep("/Legacy/Path", ["GET"]),
    ep(undefined, ["POST"]),
    ep("/set-password", ["POST"], { serverOnly: true }),
    ep("/anything", ["*"]),
  ],
});

describe("pathnameOf", () => {
  it.each([
    ["http://localhost:3000/api/auth/ok?x=1#h", "/api/auth/ok"],
    ["https://a.example/api/auth/callback/github?code=1", "/api/auth/callback/github"],
    ["http://h", "/"],
    ["/relative/path?q", "/relative/path"],
  ])("%s → %s", (url, path) => expect(pathnameOf(url)).toBe(path));
});

describe("createRouteTable().match", () => {
  it("returns the template of a static route, by method", () => {
    expect(table.match("POST", "/api/auth/sign-in/email")).toBe("/sign-in/email");
    expect(table.match("GET", "/api/auth/get-session")).toBe("/get-session");
    expect(table.match("GET", "/api/auth/sign-in/email")).toBe(UNKNOWN_ROUTE);
  });

  it("returns the template, never the concrete path, of a parameterised route", () => {
    expect(table.match("GET", "/api/auth/callback/github")).toBe("/callback/:id");
    expect(table.match("GET", "/api/auth/reset-password/tok3n-abc")).toBe("/reset-password/:token");
    expect(table.match("POST", "/api/auth/reset-password")).toBe("/reset-password");
  });

  it("prefers a literal segment over a parameter, as the router does", () => {
    expect(table.match("GET", "/api/auth/organization/list")).toBe("/organization/list");
    expect(table.match("GET", "/api/auth/organization/org_123")).toBe("/organization/:orgId");
  });

  it("puts paths outside the router in the unknown bucket", () => {
    for (const path of [
      "/api/auth/nope",
      "/api/auth/callback",
      "/api/auth/callback/",
      "/api/auth/callback/a/b",
      "/other/ok",
      "/api/authok",
      "/api/auth",
      "/api/auth/",
      "/api/auth//ok",
    ]) {
      expect(table.match("GET", path), path).toBe(UNKNOWN_ROUTE);
    }
  });

  it("reports a trailing slash as unknown unless the app skips trailing slashes", () => {
    expect(table.match("GET", "/api/auth/get-session/")).toBe(UNKNOWN_ROUTE);
    const lenient = createRouteTable({
      basePath: "/api/auth",
      skipTrailingSlashes: true,
      endpoints: [ep("/get-session", ["GET"])],
    });
    expect(lenient.match("GET", "/api/auth/get-session/")).toBe("/get-session");
  });

  it("reports custom plugins' routes and paths outside the route pattern under one custom bucket", () => {
    expect(table.match("POST", "/api/auth/acme/billing-sync")).toBe(CUSTOM_ROUTE);
    expect(table.match("GET", "/api/auth/Legacy/Path")).toBe(CUSTOM_ROUTE);
    expect(table.match("GET", "/api/auth/.well-known/openid-configuration")).toBe("/.well-known/openid-configuration");
  });

  it("never routes server-only endpoints over HTTP", () => {
    expect(table.match("POST", "/api/auth/set-password")).toBe(UNKNOWN_ROUTE);
  });

  it("treats `*` as any method", () => {
    expect(table.match("DELETE", "/api/auth/anything")).toBe("/anything");
  });

  it("works at the root base path", () => {
    const root = createRouteTable({ basePath: "/", endpoints: [ep("/ok", ["GET"])] });
    expect(root.match("GET", "/ok")).toBe("/ok");
    expect(root.match("GET", "/api/auth/ok")).toBe(UNKNOWN_ROUTE);
  });
});

describe("createRouteTable().template and methodOf", () => {
  it("reports endpoint paths for direct calls", () => {
    expect(table.template("/callback/:id")).toBe("/callback/:id");
    expect(table.template("/acme/billing-sync")).toBe(CUSTOM_ROUTE);
    expect(table.template(undefined)).toBe(VIRTUAL_ROUTE);
    expect(table.template("/Mixed/Case")).toBe(CUSTOM_ROUTE);
  });

  it("knows each path's first method", () => {
    expect(table.methodOf("/get-session")).toBe("GET");
    expect(table.methodOf("/sign-in/email")).toBe("POST");
    expect(table.methodOf("/anything")).toBeUndefined();
    expect(table.methodOf("/missing")).toBeUndefined();
  });
});

describe("createRouteTable().match, property", () => {
  const templates = new Set([
    "/sign-in/email",
    "/get-session",
    "/callback/:id",
    "/reset-password",
    "/reset-password/:token",
    "/organization/list",
    "/organization/:orgId",
    "/anything",
    "/.well-known/openid-configuration",
    CUSTOM_ROUTE,
    UNKNOWN_ROUTE,
  ]);

  it("answers only with a declared template or a bucket, whatever the path holds", () => {
    const segment = fc.oneof(
      fc.string(),
      fc.emailAddress(),
      fc.uuid(),
      fc.ipV4(),
      fc.webUrl(),
      fc.constantFrom("callback", "reset-password", "organization", "list", "sign-in", "email", "..", ".", "%2F", ""),
    );
    fc.assert(
      fc.property(
        fc.constantFrom("GET", "POST", "PUT", "DELETE"),
        fc.array(segment, { maxLength: 5 }),
        fc.string(),
        (method, segments, query) => {
          const route = table.match(method, pathnameOf(`http://app.example/api/auth/${segments.join("/")}?${query}`));
          expect(templates.has(route)).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
