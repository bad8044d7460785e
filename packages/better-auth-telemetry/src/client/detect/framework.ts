/**
 * The web framework, read from the app's own package.json where a filesystem
 * exists. A data table and one loop (std-env's style); meta-frameworks come
 * first because they depend on the servers listed after them.
 */
import type { FRAMEWORKS } from "@better-auth-telemetry/protocol";
import { builtin, nodeProcess } from "../platform/builtin.js";

type Framework = (typeof FRAMEWORKS)[number];

const FRAMEWORK_PACKAGES: ReadonlyArray<[Framework, readonly string[]]> = [
  ["next", ["next"]],
  ["nuxt", ["nuxt"]],
  ["sveltekit", ["@sveltejs/kit"]],
  ["astro", ["astro"]],
  ["remix", ["@remix-run/node", "@remix-run/react", "@remix-run/server-runtime"]],
  ["react-router", ["@react-router/dev", "@react-router/node"]],
  ["solid-start", ["@solidjs/start"]],
  ["tanstack-start", ["@tanstack/react-start", "@tanstack/solid-start", "@tanstack/start"]],
  ["expo", ["expo"]],
  ["convex", ["convex"]],
  ["nestjs", ["@nestjs/core"]],
  ["elysia", ["elysia"]],
  ["hono", ["hono"]],
  ["fastify", ["fastify"]],
  ["express", ["express"]],
  ["nitro", ["nitropack", "nitro"]],
];

interface Fs {
  readFile(path: string, encoding: "utf8"): Promise<string>;
}

export interface FrameworkInfo {
  framework?: Framework;
  frameworkVersion?: string;
}

async function readJson(fs: Fs, path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(path, "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The first framework the app in `cwd` (default: the working directory) depends on, and its installed version when readable. */
export async function detectFramework(cwd?: string): Promise<FrameworkInfo> {
  const fs = builtin<{ promises: Fs }>("node:fs")?.promises;
  try {
    cwd ??= (nodeProcess() as { cwd?: () => string } | undefined)?.cwd?.();
  } catch {
    return {}; // the working directory was removed (uv_cwd ENOENT): nothing to read, and no reason to fail the batch
  }
  if (!fs || !cwd) return {};
  const pkg = await readJson(fs, `${cwd}/package.json`);
  if (!pkg) return {};
  const deps = { ...(pkg.devDependencies as object), ...(pkg.dependencies as object) } as Record<string, unknown>;
  for (const [framework, packages] of FRAMEWORK_PACKAGES) {
    const found = packages.find((name) => name in deps);
    if (!found) continue;
    const installed = await readJson(fs, `${cwd}/node_modules/${found}/package.json`);
    const version = typeof installed?.version === "string" ? installed.version : undefined;
    return { framework, frameworkVersion: version };
  }
  return { framework: "none" };
}
