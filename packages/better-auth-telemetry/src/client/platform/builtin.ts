/**
 * Access to Node built-ins without importing them. `process.getBuiltinModule`
 * (Node ≥ 20.16, Bun, Deno) leaves no `import "node:…"` for a bundler to trip
 * over: Better Auth's own telemetry broke Cloudflare Workers and Convex through
 * top-level Node imports even when disabled. Where it is missing, the caller
 * falls back to web APIs.
 */

interface ProcessLike {
  getBuiltinModule?(id: string): unknown;
  versions?: Record<string, string | undefined>;
}

export function nodeProcess(): ProcessLike | undefined {
  const p = (globalThis as { process?: ProcessLike }).process;
  return typeof p === "object" && p !== null ? p : undefined;
}

/** The built-in module, or undefined when this runtime has none (or forbids it). */
export function builtin<T>(id: string): T | undefined {
  try {
    return nodeProcess()?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/** Plain Node.js (not Bun or Deno emulating it), where node:http and process events behave as documented. */
export function isRealNode(): boolean {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  return nodeProcess()?.versions?.node !== undefined && g.Bun === undefined && g.Deno === undefined;
}
