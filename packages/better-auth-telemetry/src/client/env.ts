/**
 * The one place the client reads its environment. Read inside factories, never
 * at import time, so a variable set after import (or passed per request on
 * workers) is honoured.
 */
import { env as stdEnv } from "std-env";

export type EnvReader = (name: string) => string | undefined;

/** Reads `overrides` first, then the runtime's environment (process.env, Deno.env, … via std-env). */
export function createEnvReader(overrides?: Record<string, string | undefined>): EnvReader {
  return (name) => {
    if (overrides && name in overrides) return overrides[name];
    try {
      return stdEnv[name];
    } catch {
      // Deno without --allow-env throws on access
      return undefined;
    }
  };
}

const FALSY = new Set(["0", "false", "off", "no"]);
const TRUTHY = new Set(["1", "true", "on", "yes"]);

/** `true`/`false` for a recognisable switch value, undefined for anything else (including unset). */
export function readSwitch(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (FALSY.has(v)) return false;
  if (TRUTHY.has(v)) return true;
  return undefined;
}
