#!/usr/bin/env node
/**
 * @module better-auth-telemetry CLI
 *
 *   npx better-auth-telemetry status [--config ./src/lib/auth.ts] [--json]
 *   npx better-auth-telemetry preview --config ./src/lib/auth.ts [--json]
 */
import { parseArgs } from "node:util";
import { formatPreview, preview } from "./preview.js";
import { describeStatus, formatStatus } from "./status.js";

const USAGE = `Usage: better-auth-telemetry <command> [options]

Commands:
  status    Whether telemetry is on here, which signal decided, the endpoint,
            and where the installation id is kept. Reads only.
  preview   Loads your auth module and prints the exact init payload it would
            send. Sends nothing.

Options:
  --config <file>  The module that exports your Better Auth instance
                   (TypeScript or JavaScript), e.g. ./src/lib/auth.ts.
                   Required by preview; status then uses its telemetry options.
  --json           Print JSON.
  -h, --help       Show this help.
`;

async function run(argv: string[], out: (text: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  const [command] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return command || values.help ? 0 : 1;
  }
  const cwd = process.cwd();
  if (command === "status") {
    const report = values.config ? (await preview({ config: values.config, cwd })).status : describeStatus();
    out(values.json ? JSON.stringify(report, null, 2) : formatStatus(report));
    return 0;
  }
  if (command === "preview") {
    if (!values.config) {
      out(`preview needs --config <file>\n\n${USAGE}`);
      return 1;
    }
    const result = await preview({ config: values.config, cwd });
    out(values.json ? JSON.stringify(result, null, 2) : formatPreview(result));
    return 0;
  }
  out(`unknown command: ${command}\n\n${USAGE}`);
  return 1;
}

run(process.argv.slice(2)).then(
  // the app's module may hold handles open (database pools, timers): the command is done, so is the process
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`better-auth-telemetry: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
