/** Collectors for end-to-end tests: in this process (startCollector, as the CLI uses it) or as a child process. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type RunningCollector, type StartOptions, startCollector } from "../../src/server.js";
import { tempDir } from "./temp.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

export interface TestCollector extends RunningCollector {
  dbPath: string;
  /** Closes the collector (if still open) and removes its directory. */
  dispose(): Promise<void>;
}

/** A collector on 127.0.0.1 with a fresh DuckDB file and silent logs; rate limits off unless given. */
export async function startTestCollector(options: StartOptions = {}): Promise<TestCollector> {
  const dir = tempDir();
  const dbPath = options.dbPath ?? dir.file("events.duckdb");
  const collector = await startCollector({
    host: "127.0.0.1",
    port: 0,
    logLevel: "silent",
    dbPath,
    ...options,
    limits: {
      perIp: { perSecond: 0, burst: 0 },
      perInstallation: { perSecond: 0, burst: 0 },
      ...options.limits,
    },
  });
  return {
    ...collector,
    dbPath,
    dispose: async () => {
      await collector.close();
      dir.remove();
    },
  };
}

export interface ChildCollector {
  child: ChildProcess;
  url: string;
  /** Everything printed so far on stdout and stderr. */
  output: () => string;
  /** Resolves with the exit code (or the signal) once the process is gone. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * The CLI as a separate process, run from TypeScript source through tsx (so it
 * works in a clean checkout before any build), exactly as `npm start` runs the build.
 */
export function spawnCollector(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: {
    fileSizeLimitKiB?: number;
    /** Called with the process as soon as it exists, before it listens: whoever must clean up can hold it from the start. */
    onSpawn?: (child: ChildProcess) => void;
  } = {},
): Promise<ChildCollector> {
  const node = [
    process.execPath,
    "--import",
    "tsx",
    "--conditions=source",
    "packages/collector/src/cli/main.ts",
    ...args,
  ];
  // a file size limit (ulimit -f) makes a write past it fail with EFBIG: a real disk error, on demand
  const [command, ...rest] =
    options.fileSizeLimitKiB === undefined
      ? node
      : ["/bin/sh", "-c", `ulimit -f ${options.fileSizeLimitKiB} && exec "$@"`, "sh", ...node];
  const child = spawn(command!, rest, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  options.onSpawn?.(child);
  let output = "";
  child.stdout!.on("data", (c: Buffer) => {
    output += c.toString();
  });
  child.stderr!.on("data", (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  return new Promise((resolve, reject) => {
    const onData = () => {
      const match = /listening on (https?:\/\/\S+)/.exec(output);
      if (match) {
        child.stdout!.off("data", onData);
        resolve({ child, url: match[1]!, output: () => output, exited });
      }
    };
    child.stdout!.on("data", onData);
    void exited.then((code) => reject(new Error(`collector exited (${String(code)}) before listening:\n${output}`)));
  });
}
