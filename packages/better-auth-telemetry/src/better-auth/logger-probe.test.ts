import { describe, expect, it } from "vitest";
import { type ProbeState, probedState, probeLogger } from "./logger-probe.js";

function logger() {
  const lines: unknown[][] = [];
  return {
    lines,
    info: (...args: unknown[]) => lines.push(["info", ...args]),
    error: (...args: unknown[]) => lines.push(["error", ...args]),
    get level() {
      return "warn";
    },
  };
}

class HookFailure extends Error {
  override name = "HookFailure";
}

describe("probeLogger", () => {
  it("passes every call through unchanged and keeps the logger's other members", () => {
    const base = logger();
    const probe = probeLogger(base, {});
    probe.info("hello", 1);
    probe.error("Failed to create user", new TypeError("x"));
    expect(base.lines).toEqual([
      ["info", "hello", 1],
      ["error", "Failed to create user", expect.any(TypeError)],
    ]);
    expect(probe.level).toBe("warn");
  });

  it("records the router's report of a swallowed error, the first one only, and nothing else", () => {
    const state: ProbeState = {};
    const probe = probeLogger(logger(), state);
    probe.error("Failed to create user", new TypeError("x"));
    probe.error("just a message");
    const swallowed = new HookFailure("secret");
    probe.error("HookFailure", swallowed);
    probe.error("HookFailure", new HookFailure("second"));
    expect(state.swallowed?.error).toBe(swallowed);

    const apiState: ProbeState = {};
    const apiError = Object.assign(new Error("m"), { name: "APIError", status: "INTERNAL_SERVER_ERROR" });
    probeLogger(logger(), apiState).error("INTERNAL_SERVER_ERROR", apiError);
    expect(apiState.swallowed?.error).toBe(apiError);
  });

  it("keeps each request's state apart, and hands it back", () => {
    const base = logger();
    const a: ProbeState = {};
    const b: ProbeState = {};
    const probeA = probeLogger(base, a);
    const probeB = probeLogger(base, b);
    probeB.error("HookFailure", new HookFailure());
    expect(a.swallowed).toBeUndefined();
    expect(b.swallowed).toBeDefined();
    expect(probedState(probeA)).toBe(a);
    expect(probedState(base)).toBeUndefined();
    expect(probedState(undefined)).toBeUndefined();
  });

  it("logs even when called without its object", () => {
    const base = logger();
    const { error } = probeLogger(base, {});
    error("HookFailure", new HookFailure());
    expect(base.lines).toHaveLength(1);
  });
});
