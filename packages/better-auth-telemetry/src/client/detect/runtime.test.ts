import { describe, expect, it } from "vitest";
import { createEnvReader } from "../env.js";
import { detectEnvironment, detectRuntime } from "./runtime.js";

// Every variable the decision reads, unset unless a case sets it: the runner's own VITEST must not leak in.
const CLEAN = { NODE_ENV: undefined, CI: undefined, VITEST: undefined, JEST_WORKER_ID: undefined };
// std-env also recognises CI providers by their own variables (GITHUB_ACTIONS…): decided here, not by the host running the tests
const environmentOf = (vars: Record<string, string>, onCiProvider = false) =>
  detectEnvironment(createEnvReader({ ...CLEAN, ...vars }), () => onCiProvider);

describe("detectEnvironment", () => {
  it.each([
    [{ NODE_ENV: "production" }, "production"],
    [{ NODE_ENV: "production", CI: "true" }, "production"],
    [{ CI: "true" }, "ci"],
    [{ CI: "1", NODE_ENV: "test" }, "ci"],
  ])("%j → %s", (vars, expected) => {
    expect(environmentOf(vars)).toBe(expected);
  });

  it.each([
    [{ NODE_ENV: "test" }, "test"],
    [{ VITEST: "true" }, "test"],
    [{ JEST_WORKER_ID: "1" }, "test"],
    [{ CI: "false" }, "development"],
    [{ NODE_ENV: "development" }, "development"],
    [{}, "development"],
  ])("%j → %s (outside CI)", (vars, expected) => {
    expect(environmentOf(vars)).toBe(expected);
  });

  it("reads a CI provider's own variables as ci, below production", () => {
    expect(environmentOf({}, true)).toBe("ci");
    expect(environmentOf({ NODE_ENV: "test" }, true)).toBe("ci");
    expect(environmentOf({ NODE_ENV: "production" }, true)).toBe("production");
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
