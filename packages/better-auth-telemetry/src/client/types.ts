/** The client's public types: its options, what each event accepts, and what status() reports. */
import type {
  AUTH_METHODS,
  DATABASE_ADAPTERS,
  DATABASE_KINDS,
  EventType,
  HTTP_METHODS,
  KNOWN_PLUGINS,
  REQUEST_SOURCES,
  SOCIAL_PROVIDERS,
  WireBatch,
} from "@better-auth-telemetry/protocol";

export type AdditionalData = Record<string, string | number | boolean>;

export interface TelemetryLogger {
  warn(message: string): void;
  debug(message: string): void;
}

export interface TelemetryOptions {
  /** `false` opts out. Any opt-out (this, `BETTER_AUTH_TELEMETRY=0`, `DO_NOT_TRACK=1`) wins over any opt-in. @default true, except in test runners */
  enabled?: boolean;
  /** Where batches are POSTed. `https://` only; `http://` is allowed for loopback hosts. `BETTER_AUTH_TELEMETRY_ENDPOINT` overrides it. @default DEFAULT_ENDPOINT */
  endpoint?: string;
  /** Merged into every event. At most 16 keys; values are short words, numbers or booleans; anything that looks like personal data is dropped with a warning. */
  additionalData?: AdditionalData;
  /** Print each payload instead of sending it. Also `BETTER_AUTH_TELEMETRY_DEBUG=1`. @default false */
  debug?: boolean;
  /** How often queued events are sent, and the window in which repeated events are aggregated. @default 10000 */
  flushIntervalMs?: number;
  /** Events per request; a full batch is sent at once. @default 100 */
  maxBatchSize?: number;
  /** Events held in memory while the endpoint is unreachable; past it the oldest are dropped and counted. @default 1000 */
  maxQueueSize?: number;
  /** Each request's deadline. @default 5000 */
  timeoutMs?: number;
  /** Attempts after the first, on network errors, 429 and 5xx. @default 5 */
  maxRetries?: number;
  /** Workers and edge runtimes: receives each delivery's promise so the platform keeps the isolate for it. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Where the installation id is kept, or `false` to keep it in memory only. @default `$XDG_CONFIG_HOME/better-auth-telemetry/installation-id` (or `~/.config/...`) */
  installationIdPath?: string | false;
  /** Sees every batch exactly as it will be sent (after the privacy guard), also in debug mode: for audits and previews. */
  onPayload?: (batch: WireBatch) => void;
  /** Receives warnings and debug output. @default console */
  logger?: TelemetryLogger;
  /** The environment to read instead of `process.env` (for runtimes that pass it per request). */
  env?: Record<string, string | undefined>;
}

export interface InitProps {
  betterAuthVersion?: string;
  database?: { kind?: (typeof DATABASE_KINDS)[number]; adapter?: (typeof DATABASE_ADAPTERS)[number] };
  plugins?: (typeof KNOWN_PLUGINS)[number][];
  customPluginCount?: number;
  socialProviders?: (typeof SOCIAL_PROVIDERS)[number][];
  features?: Record<string, boolean | number | string>;
}

export interface ApiRequestInput {
  /** A route template, never a concrete path: `/callback/:id`; `*` for unknown routes. */
  route: string;
  method: (typeof HTTP_METHODS)[number] | (string & {});
  status: number;
  durationMs: number;
  /** @default "handler" */
  source?: (typeof REQUEST_SOURCES)[number];
}

export interface ErrorInput {
  /** Error class name. */
  type?: string;
  /** Better Auth error code. */
  code?: string;
  status?: number;
  route?: string;
}

export interface AuthSuccessInput {
  method: (typeof AUTH_METHODS)[number];
  provider?: (typeof SOCIAL_PROVIDERS)[number];
  kind?: "sign-in" | "sign-up";
}

export interface AuthFailureInput extends AuthSuccessInput {
  /** The failure's error code. */
  reason?: string;
}

export interface TrackInput {
  init: InitProps;
  api_request: ApiRequestInput;
  error: ErrorInput;
  auth_success: AuthSuccessInput;
  auth_failure: AuthFailureInput;
}

export interface TelemetryStatus {
  enabled: boolean;
  /** The signal that decided: `env:BETTER_AUTH_TELEMETRY`, `env:DO_NOT_TRACK`, `option:enabled`, `test-runner`, `insecure-endpoint`, `invalid-endpoint`, `default`; `invalid-options` or `internal-error` when the options could not be read (telemetry is then off). */
  reason: string;
  /** Where batches go (only when enabled). */
  endpoint?: string;
  /** Payloads are printed, not sent. */
  debug: boolean;
}

export interface Telemetry {
  /** Records an event. Never throws, never blocks on the network. */
  track<T extends EventType>(type: T, props: TrackInput[T]): void;
  status(): TelemetryStatus;
  /** Sends what is queued; resolves when it is delivered or given up (after at most `timeoutMs`). Never rejects. */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Stops timers, flushes within `timeoutMs`, and drops what is left. Never rejects. */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
  /** Asks the endpoint to erase everything stored for this installation. Resolves to whether it confirmed. */
  forget(): Promise<boolean>;
  /** The anonymous installation id and where it is kept (`memory` when nowhere). */
  identity(): Promise<{ id: string; storage: string } | undefined>;
}
