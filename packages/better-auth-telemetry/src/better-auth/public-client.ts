/**
 * The client an app holds (`auth.$telemetry`): the generic client, except that
 * `flush` and `shutdown` first let the integration finish reports it is still
 * working out (an error response's code is read asynchronously), so that a
 * flush right after a request includes that request.
 */
import type { Telemetry } from "../client/index.js";
import type { Recorder } from "./recorder.js";

export function publicClient(recorder: Recorder): Telemetry {
  const { client } = recorder;
  return {
    track: (type, props) => client.track(type, props),
    status: () => client.status(),
    identity: () => client.identity(),
    forget: () => client.forget(),
    async flush(options) {
      try {
        await recorder.settled(options?.timeoutMs);
      } catch {
        // never into the host
      }
      return client.flush(options);
    },
    async shutdown(options) {
      try {
        await recorder.settled(options?.timeoutMs);
      } catch {
        // never into the host
      }
      return client.shutdown(options);
    },
  };
}
