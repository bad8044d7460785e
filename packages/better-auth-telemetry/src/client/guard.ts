/**
 * The privacy guard: the last step before bytes are made. Every batch is
 * rebuilt from the protocol's declarations (the allow-list); whatever is not
 * declared, or fails its type or pattern, does not leave the process.
 */
import {
  type OnDrop,
  PROTOCOL_VERSION,
  sanitizeAdditionalData,
  sanitizeEnvelope,
  sanitizeEvent,
  type WireBatch,
  type WireEvent,
} from "@better-auth-telemetry/protocol";
import type { AdditionalData } from "./types.js";

/** additionalData as it may travel; `onDrop` hears about each entry left out (it is warned about, not sent). */
export function guardAdditionalData(data: unknown, onDrop: OnDrop): AdditionalData {
  if (data === undefined) return {};
  return sanitizeAdditionalData(data, onDrop);
}

/** The batch as it may travel, or undefined when nothing in it may. */
export function guardBatch(
  envelope: Omit<WireBatch, "v" | "events">,
  events: WireEvent[],
  onDrop?: OnDrop,
): WireBatch | undefined {
  const cleanEnvelope = sanitizeEnvelope(envelope, onDrop);
  if (!cleanEnvelope) return undefined;
  const cleanEvents: WireEvent[] = [];
  for (const event of events) {
    const clean = sanitizeEvent(event, onDrop);
    if (clean) cleanEvents.push(clean);
  }
  if (cleanEvents.length === 0) return undefined;
  return { v: PROTOCOL_VERSION, ...cleanEnvelope, events: cleanEvents };
}
