import { detectProvider } from "std-env";
import { describe, expect, it } from "vitest";
import { createEnvReader } from "../env.js";
import { detectEnvironment, detectRuntime } from "./runtime.js";

// Every variable the decision reads, unset unless a case sets it: the runner's own VITEST must not leak in.
const CLEAN = { NODE_ENV: undefined, CI: undefined, VITEST: undefined, JEST_WORKER_ID: undefined };
const environmentOf = (vars: Record<string, string>) => detectEnvironment(createEnvReader({ ...CLEAN, ...vars }));
// std-env also recognises CI providers by their own variables (GITHUB_ACTIONS…), read from the real environment
const onCi = detectProvider().ci;

describe("detectEnvironment", () => {
  it.each([
    [{ NODE_ENV: "production" }, "production"],
    [{ NODE_ENV: "production", CI: "true" }, "production"],
    [{ CI: "true" }, "ci"],
    [{ CI: "1", NODE_ENV: "test" }, "ci"],
  ])("%j → %s", (vars, expected) => {
    expect(environmentOf(vars)).toBe(expected);
  });

  it.skipIf(onCi).each([
    [{ NODE_ENV: "test" }, "test"],
    [{ VITEST: "true" }, "test"],
    [{ JEST_WORKER_ID: "1" }, "test"],
    [{ CI: "false" }, "development"],
    [{ NODE_ENV: "development" }, "development"],
    [{}, "development"],
  ])("%j → %s (outside CI)", (vars, expected) => {
    expect(environmentOf(vars)).toBe(expected);
  });
});

describe("detectRuntime", () => {
  it("reports Node, its version, platform and architecture from the runtime itself", () => {
    expect(detectRuntime(createEnvReader({ ...CLEAN, NODE_ENV: "production" }))).toMatchObject({
      runtime: "node",
      runtimeVersion: process.versions.node,
      platform: process.platform,
      arch: process.arch,
      environment: "production",
    });
  });
});
