/**
 * The anonymous installation id: a random UUID, kept where a filesystem
 * exists so it is stable across restarts. It is never derived from anything
 * about the app: Better Auth's own package hashes base URL + package name
 * without salt, which anyone with a list of domains can reverse.
 *
 * Order: BETTER_AUTH_TELEMETRY_ID (a UUID you pin, e.g. for containers whose
 * disk is thrown away) → the id file → a random id for this process only
 * (`ephemeral`). Every filesystem step is optional: a read-only home crashed
 * tools built on `conf` (EACCES), so any failure here just means ephemeral.
 */
import { UUID } from "@better-auth-telemetry/protocol";
import type { EnvReader } from "./env.js";
import { builtin } from "./platform/builtin.js";
import { uuidv4 } from "./uuid.js";

export interface Identity {
  id: string;
  kind: "persistent" | "ephemeral";
  /** Where the id lives: a file path, `env:BETTER_AUTH_TELEMETRY_ID`, or `memory`. */
  storage: string;
}

interface FsPromises {
  readFile(path: string, encoding: "utf8"): Promise<string>;
  writeFile(path: string, data: string, options: { mode: number; flag: string }): Promise<void>;
  mkdir(path: string, options: { recursive: true; mode: number }): Promise<unknown>;
}

/** The default id file, or undefined where there is no home or no filesystem. */
export function defaultIdPath(env: EnvReader): string | undefined {
  const base =
    env("XDG_CONFIG_HOME") ||
    (env("HOME") || env("USERPROFILE") ? `${env("HOME") || env("USERPROFILE")}/.config` : undefined);
  return base ? `${base.replace(/[\\/]+$/, "")}/better-auth-telemetry/installation-id` : undefined;
}

async function readOrCreate(fs: FsPromises, path: string): Promise<string | undefined> {
  const existing = await fs.readFile(path, "utf8").then(
    (s) => s.trim(),
    () => undefined,
  );
  if (existing && UUID.test(existing)) return existing;
  const id = uuidv4();
  await fs.mkdir(path.replace(/[\\/][^\\/]*$/, ""), { recursive: true, mode: 0o700 });
  try {
    // "wx": when two processes start together, one writes and the other reads the winner's id
    await fs.writeFile(path, `${id}\n`, { mode: 0o600, flag: existing === undefined ? "wx" : "w" });
    return id;
  } catch {
    const winner = (await fs.readFile(path, "utf8")).trim();
    return UUID.test(winner) ? winner : undefined;
  }
}

export async function loadIdentity(options: { env: EnvReader; path?: string | false }): Promise<Identity> {
  const pinned = options.env("BETTER_AUTH_TELEMETRY_ID")?.trim().toLowerCase();
  if (pinned && UUID.test(pinned)) return { id: pinned, kind: "persistent", storage: "env:BETTER_AUTH_TELEMETRY_ID" };

  const path = options.path === false ? undefined : (options.path ?? defaultIdPath(options.env));
  const fs = builtin<{ promises: FsPromises }>("node:fs")?.promises;
  if (path && fs) {
    try {
      const id = await readOrCreate(fs, path);
      if (id) return { id, kind: "persistent", storage: path };
    } catch {
      // read-only or missing home: fall through to an id for this process only
    }
  }
  return { id: uuidv4(), kind: "ephemeral", storage: "memory" };
}
