/**
 * Renders the declarations as Markdown: docs/protocol.md and docs/privacy.md
 * are generated from the same data the guard enforces, so they cannot drift.
 */
import { EVENT_TYPES } from "./catalog.js";
import { DETECTORS } from "./detectors.js";
import { ENVELOPE, EVENT_HEADER, LIMITS } from "./envelope.js";
import { EVENT_PROPS } from "./events.js";
import type { Field } from "./fields.js";
import { LATENCY_BUCKETS_MS, PROTOCOL_VERSION } from "./version.js";

const code = (s: string) => `\`${s.replace(/\|/g, "\\|")}\``;

function describeType(field: Field): string {
  switch (field.kind) {
    case "enum":
      return `one of ${field.values.map(code).join(", ")}`;
    case "string":
      return `string ≤ ${field.maxLength}, matching ${code(field.pattern.source)}${field.screened === "segments" ? ", each segment screened" : field.screened ? ", screened" : ""}`;
    case "int":
      return `integer ${field.min}…${field.max}`;
    case "number":
      return `number ${field.min}…${field.max}`;
    case "boolean":
      return "boolean";
    case "array":
      return `list of ≤ ${field.maxItems}: ${describeType(field.of)}`;
    case "object":
      return "object";
    case "record":
      return `≤ ${field.maxKeys} entries; key ${describeType(field.key)}; value a boolean, a finite number, or ${describeType(field.value)}`;
  }
}

function rows(field: Field, prefix: string): string[] {
  if (field.kind !== "object") return [];
  const out: string[] = [];
  for (const [name, sub] of Object.entries(field.fields)) {
    const path = prefix ? `${prefix}.${name}` : name;
    out.push(`| ${code(path)} | ${describeType(sub)} | ${sub.required ? "yes" : ""} | ${sub.doc} |`);
    out.push(...rows(sub, path));
  }
  return out;
}

function table(field: Field, prefix = ""): string {
  return [
    "| field | type and pattern | required | meaning |",
    "| --- | --- | --- | --- |",
    ...rows(field, prefix),
  ].join("\n");
}

function eventSections(): string {
  return EVENT_TYPES.map(
    (type) => `### \`${type}\`\n\n${EVENT_PROPS[type].doc}\n\n${table(EVENT_PROPS[type], "props")}`,
  ).join("\n\n");
}

const GENERATED = "<!-- Generated from packages/protocol by `npm run docs`. Do not edit by hand. -->";

export function renderProtocolDoc(): string {
  return `${GENERATED}
# Wire protocol, version ${PROTOCOL_VERSION}

The client POSTs a batch as JSON (\`content-type: application/json\`, gzip-encoded when larger than 1 KiB) to its endpoint, by default \`…/v1/events\`. A batch holds at most ${LIMITS.maxEventsPerBatch} events.

The collector rejects a batch whose structure or types are wrong (422, or 400 for invalid JSON) and stores nothing from it. Within a well-formed batch, a value that fails its pattern, or a field that is not declared here, is dropped (defence in depth: the client already dropped it); an event whose required field fails is dropped whole.

Events that repeat within one flush window travel as one record with a \`count\`. Request latency travels as a histogram whose buckets have the upper bounds ${LATENCY_BUCKETS_MS.join(", ")} ms, plus one overflow bucket; the collector derives percentiles from it.

## Batch

\`v\`: the protocol version, ${PROTOCOL_VERSION}. \`events\`: the list of events.

${table(ENVELOPE)}

## Every event

${table(EVENT_HEADER)}

## Event types

${eventSections()}
`;
}

export function renderPrivacyDoc(): string {
  return `${GENERATED}
# Privacy: every field that can leave an application

This is the complete list. The client rebuilds every batch from these declarations just before sending (an allow-list): a field that is not listed here cannot be sent, and a value that does not match its type and pattern is dropped, never "cleaned". The collector applies the same list again before storing anything.

What is never sent: personal data (names, emails, user ids), passwords, secrets and tokens, cookies, IP addresses, host names, domains and URLs (the app's base URL included), request paths with ids or query strings (only route templates such as \`/callback/:id\`), error messages and stack traces (only error class names, codes and statuses), database contents, table, column or custom field names, and application code. Plugin ids and social providers are sent only when they are Better Auth's own (a custom plugin or provider is counted, not named).

"Screened" fields are free enough that a pattern alone could let personal data through, so they also pass these detectors; a value any of them flags is dropped: ${DETECTORS.map((d) => code(d.name)).join(", ")}. The detectors err towards dropping: a harmless value that looks like a host name (\`v1.beta\`) is dropped too.

One residue a pattern cannot rule out: an upper-case error code or a class name could, in principle, spell a word the app chose. The Better Auth integration only ever puts Better Auth's own codes and error class names there.

The installation id is a random UUID (version 4) generated on first use, kept in \`$XDG_CONFIG_HOME/better-auth-telemetry/installation-id\` (or \`~/.config/…\`), never derived from the machine, the app, or its domain. Where there is no writable filesystem, a random id lives for the process only and batches say so (\`idKind: "ephemeral"\`).

## The request itself

A batch is one HTTPS \`POST\` to the endpoint (plain \`http://\` only to localhost, 127.0.0.0/8 and [::1]). On Node the client sets only \`content-type: application/json\`, \`content-length\` and, when the body is gzipped, \`content-encoding: gzip\`, beside the \`host\` and \`connection\` headers Node adds; no cookie, no authorization, no user agent. On Bun, Deno and workers the runtime's \`fetch\` adds its own defaults (a user agent naming the runtime, which the batch already names). \`forget()\` sends a \`DELETE\` with no body to the endpoint's URL with \`/v1/events\` replaced by \`/v1/installations/<installation id>\`. The collector stores none of the headers and never the sender's address.

## The batch

${table(ENVELOPE)}

## Each event

${table(EVENT_HEADER)}

${eventSections()}
`;
}
