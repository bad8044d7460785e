/**
 * Where the integration gets its client. The CLI's `preview` loads an app's
 * auth module in its own process and must see what that module would send
 * without sending it: it installs a factory here (a process-wide symbol, so the
 * app's copy of this package and the CLI's agree) that builds a client which
 * prints instead. Nothing else uses this seam.
 */
import { createTelemetry, type Telemetry, type TelemetryOptions } from "../client/index.js";

export type ClientFactory = (options: TelemetryOptions) => Telemetry;

const SLOT = Symbol.for("better-auth-telemetry.client-factory");
type Slot = { [SLOT]?: ClientFactory };

/** Installs (or with `undefined`, removes) the factory every integration in this process uses from now on. */
export function setClientFactory(factory: ClientFactory | undefined): void {
  (globalThis as Slot)[SLOT] = factory;
}

export function createClient(options: TelemetryOptions): Telemetry {
  const factory = (globalThis as Slot)[SLOT];
  if (typeof factory === "function") {
    try {
      return factory(options);
    } catch {
      // a broken factory must not break the app: fall through to the ordinary client
    }
  }
  return createTelemetry(options);
}
