/**
 * The app's Better Auth instance, configured the way the telemetry
 * documentation shows: `betterAuth` from better-auth-telemetry, with the
 * `telemetry` option on the same call.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { betterAuth, type TelemetryOptions } from "better-auth-telemetry";
import Database from "better-sqlite3";

export interface AuthOptions {
  /** The public base URL, e.g. `https://app.example.com`; when unset, Better Auth derives it from each request. */
  baseURL?: string;
  secret: string;
  /** An SQLite file, or `:memory:`. */
  databasePath: string;
  github: { clientId: string; clientSecret: string };
  telemetry?: TelemetryOptions;
  /** Requests per window per client IP on sign-in and sign-up routes. @default 5 */
  signInRateLimit?: { window: number; max: number };
  /** Better Auth `hooks`, for demos and tests that need to see a failing hook. */
  hooks?: BetterAuthOptions["hooks"];
  /** Where Better Auth's log lines go. @default console, warnings and errors */
  logger?: BetterAuthOptions["logger"];
}

type BetterAuthOptions = Parameters<typeof betterAuth>[0];

function openDatabase(path: string) {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  return new Database(path);
}

export function createAuth(options: AuthOptions) {
  const limit = options.signInRateLimit ?? { window: 60, max: 5 };
  return betterAuth({
    baseURL: options.baseURL,
    secret: options.secret,
    database: openDatabase(options.databasePath),
    emailAndPassword: { enabled: true },
    socialProviders: { github: options.github },
    rateLimit: {
      enabled: true,
      window: 60,
      max: 100,
      customRules: { "/sign-in/email": limit, "/sign-up/email": limit },
    },
    // behind a proxy the client's address is in X-Forwarded-For; rate limiting keys on it
    advanced: { ipAddress: { ipAddressHeaders: ["x-forwarded-for"] } },
    hooks: options.hooks,
    logger: options.logger,
    telemetry: options.telemetry,
  });
}

export type Auth = ReturnType<typeof createAuth>;
