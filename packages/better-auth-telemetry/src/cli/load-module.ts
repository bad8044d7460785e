/**
 * Loads an app's module by path, TypeScript included. A process that already
 * has a TypeScript loader (`node --import tsx`, Bun, Deno) imports it directly;
 * otherwise tsx's API loads it, taken from the app's own dependencies first.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const TYPESCRIPT = /\.(c|m)?tsx?$/;

interface TsxApi {
  tsImport(specifier: string, parent: string): Promise<unknown>;
}

/**
 * tsx's ESM API as the app installed it. `require.resolve` would pick its CommonJS
 * build, whose `tsImport` cannot load ESM on Node 20, so the ESM entry is read
 * from tsx's own export map.
 */
async function appTsx(cwd: string): Promise<TsxApi> {
  const manifest = createRequire(join(cwd, "package.json")).resolve("tsx/package.json");
  const exports = (JSON.parse(readFileSync(manifest, "utf8")) as { exports?: Record<string, unknown> }).exports;
  const entry = (exports?.["./esm/api"] as { import?: { default?: string } | string } | undefined)?.import;
  const relative = (typeof entry === "string" ? entry : entry?.default) ?? "./dist/esm/api/index.mjs";
  return (await import(pathToFileURL(join(dirname(manifest), relative)).href)) as TsxApi;
}

async function loadTsx(cwd: string): Promise<TsxApi | undefined> {
  const attempts = [() => appTsx(cwd), () => import("tsx/esm/api" as string) as Promise<TsxApi>];
  for (const attempt of attempts) {
    try {
      return await attempt();
    } catch {
      // not installed there: try the next place
    }
  }
  return undefined;
}

export async function loadModule(file: string, cwd: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const unknownExtension = (error as { code?: unknown }).code === "ERR_UNKNOWN_FILE_EXTENSION";
    if (!TYPESCRIPT.test(file) || !unknownExtension) throw error;
  }
  const tsx = await loadTsx(cwd);
  if (!tsx) throw new Error(`${file} is TypeScript: install tsx (npm i -D tsx) or run with \`node --import tsx\``);
  return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>;
}
