/** The batch that travels on the wire: who sent it (anonymously), from what runtime, and its events. */
import { ENVIRONMENTS, EVENT_TYPES, FRAMEWORKS, PROVIDERS, RUNTIMES } from "./catalog.js";
import { enumOf, type Field, int, obj, type RecordField, str } from "./fields.js";
import { DATA_KEY, DATA_VALUE, SEMVER, SHORT_ID, UUID } from "./patterns.js";

export const LIMITS = {
  /** Events in one batch; the collector refuses larger batches. */
  maxEventsPerBatch: 500,
  /** additionalData entries. */
  maxAdditionalDataKeys: 16,
} as const;

export const CONTEXT: Field = obj(
  {
    runtime: enumOf(RUNTIMES, "JavaScript runtime.", { required: true }),
    runtimeVersion: str("Runtime version.", { pattern: SEMVER, maxLength: 48, screened: true }),
    platform: str("Operating system (`linux`, `darwin`, `win32`).", { pattern: SHORT_ID, maxLength: 16 }),
    arch: str("CPU architecture (`x64`, `arm64`).", { pattern: SHORT_ID, maxLength: 16 }),
    framework: enumOf(FRAMEWORKS, "Web framework, read from the app's dependencies."),
    frameworkVersion: str("Framework version.", { pattern: SEMVER, maxLength: 48, screened: true }),
    environment: enumOf(ENVIRONMENTS, "Deployment environment.", { required: true }),
    provider: enumOf(PROVIDERS, "Hosting or CI provider, as std-env detects it."),
  },
  "Runtime information, the same for every event of a batch.",
  { required: true },
);

export const ADDITIONAL_DATA: RecordField = {
  kind: "record",
  doc: "The app's own `additionalData`, merged into every event. Values that look like personal data are dropped.",
  key: str("Key.", { pattern: DATA_KEY, maxLength: 32, screened: true }),
  value: str("Value: a short word, a number or a boolean.", { pattern: DATA_VALUE, maxLength: 64, screened: true }),
  maxKeys: LIMITS.maxAdditionalDataKeys,
};

/** The envelope without its events, which are checked against EVENT_PROPS by type. */
export const ENVELOPE = obj(
  {
    installationId: str("Anonymous installation id: random, never derived from the app.", {
      pattern: UUID,
      maxLength: 36,
      required: true,
    }),
    idKind: enumOf(
      ["persistent", "ephemeral"],
      "`persistent` when the id is kept on disk; `ephemeral` when it lives only as long as the process.",
      { required: true },
    ),
    sdkVersion: str("Version of the telemetry client.", {
      pattern: SEMVER,
      maxLength: 48,
      required: true,
      screened: true,
    }),
    sentAt: int("When the batch was sent, Unix milliseconds.", { min: 0, max: 8.64e15, required: true }),
    dropped: int("Events the client dropped since its last delivered batch (buffer full).", {
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
    }),
    context: CONTEXT,
    additionalData: ADDITIONAL_DATA,
  },
  "A batch of events.",
);

/** Fields every event record has besides its type's props. */
export const EVENT_HEADER = obj(
  {
    id: str("Time-ordered event id (UUIDv7): a retried batch is stored once.", {
      pattern: UUID,
      maxLength: 36,
      required: true,
    }),
    type: enumOf(EVENT_TYPES, "Event type.", { required: true }),
    ts: int("When the event (or its flush window) began, Unix milliseconds.", {
      min: 0,
      max: 8.64e15,
      required: true,
    }),
  },
  "Event header.",
);
