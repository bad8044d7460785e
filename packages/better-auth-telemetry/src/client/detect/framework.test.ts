import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectFramework } from "./framework.js";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** An app folder with this package.json and these installed packages (name → version). */
function app(pkg: object | string | undefined, installed: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "bat-framework-"));
  made.push(dir);
  if (pkg !== undefined) writeFileSync(join(dir, "package.json"), typeof pkg === "string" ? pkg : JSON.stringify(pkg));
  for (const [name, version] of Object.entries(installed)) {
    mkdirSync(join(dir, "node_modules", name), { recursive: true });
    writeFileSync(join(dir, "node_modules", name, "package.json"), JSON.stringify({ name, version }));
  }
  return dir;
}

describe("detectFramework", () => {
  it("names the meta-framework before the server it is built on, with its installed version", async () => {
    const dir = app({ dependencies: { hono: "^4", next: "^15" } }, { next: "15.2.1", hono: "4.6.0" });
    expect(await detectFramework(dir)).toEqual({ framework: "next", frameworkVersion: "15.2.1" });
  });

  it.each([
    [{ "@sveltejs/kit": "^2" }, "sveltekit"],
    [{ "@remix-run/node": "^2" }, "remix"],
    [{ "@react-router/dev": "^7" }, "react-router"],
    [{ "@solidjs/start": "^1" }, "solid-start"],
    [{ "@tanstack/react-start": "^1" }, "tanstack-start"],
    [{ elysia: "^1" }, "elysia"],
    [{ fastify: "^5" }, "fastify"],
    [{ express: "^5" }, "express"],
    [{ expo: "^52" }, "expo"],
  ])(
    "reads %j as %s, from devDependencies too, without a version when it is not installed",
    async (deps, framework) => {
      expect(await detectFramework(app({ devDependencies: deps }))).toEqual({ framework, frameworkVersion: undefined });
    },
  );

  it("says none for an app without a known framework, and nothing where package.json cannot be read", async () => {
    expect(await detectFramework(app({ dependencies: { lodash: "^4" } }))).toEqual({ framework: "none" });
    expect(await detectFramework(app(undefined))).toEqual({});
    expect(await detectFramework(app("{ not json"))).toEqual({});
  });
});
