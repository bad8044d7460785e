#!/usr/bin/env node
/**
 * @module `better-auth-telemetry-collector serve [flags]`. Prints the URL once
 * listening. SIGTERM or SIGINT: stop accepting, answer in-flight requests,
 * commit the queue, close the store, exit 0; a second signal, or a drain
 * longer than --drain-timeout-ms, exits 1 at once.
 */
import { ConfigError, helpText, parseConfig } from "../config.js";
import { startCollector } from "../server.js";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(helpText());
    return command === undefined ? 2 : 0;
  }
  if (command !== "serve") {
    process.stderr.write(`unknown command "${command}"\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(helpText());
    return 0;
  }

  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig({ argv: rest, env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n\n${helpText()}`);
    return 2;
  }

  const collector = await startCollector(config);
  const log = collector.app.log;
  // Handlers go in before the URL is printed: whoever reads that line may signal at once.
  const exitCode = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, "second signal: exiting without finishing the drain");
        resolve(1);
        return;
      }
      stopping = true;
      log.info({ signal }, "draining: no new requests; committing what was accepted");
      const timer = setTimeout(() => {
        log.error({ timeoutMs: config.drainTimeoutMs }, "drain timed out");
        resolve(1);
      }, config.drainTimeoutMs);
      timer.unref();
      collector.close().then(
        () => {
          clearTimeout(timer);
          log.info("drained and closed");
          resolve(0);
        },
        (error: unknown) => {
          log.error({ err: error }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });

  const storeName = config.clickhouseUrl
    ? `ClickHouse: ${describeClickHouse(config.clickhouseUrl)}`
    : `DuckDB: ${config.dbPath === ":memory:" ? "in memory" : config.dbPath}`;
  process.stdout.write(`better-auth-telemetry-collector listening on ${collector.url} (${storeName})\n`);
  const visibility = config.publicMode ? `public, groups under ${config.publicMode.k} installations hidden` : "private";
  process.stdout.write(`dashboard: ${collector.url}/ (${visibility})\n`);
  if (!config.readToken) log.info("no read token: the read API and /metrics answer loopback clients only");
  return exitCode;
}

/** The ClickHouse URL without its credentials, for the start-up line. */
function describeClickHouse(raw: string): string {
  const url = new URL(raw);
  url.username = "";
  url.password = "";
  return url.toString();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`better-auth-telemetry-collector: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
