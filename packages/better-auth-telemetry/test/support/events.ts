/**
 * Reads what a sink received as a multiset of event keys, so a test can assert
 * the exact events (type, route, status, method, reason…) with their counts,
 * however the client happened to split them into batches and flush windows.
 */
import type { Sink } from "./sink.js";

type Props = Record<string, unknown>;

const dash = (value: unknown) => (value === undefined ? "-" : String(value));

export function keyOf(type: string, p: Props): string {
  switch (type) {
    case "api_request":
      return `api_request ${p.source} ${p.method} ${p.route} ${p.status}`;
    case "error":
      return `error ${dash(p.type)} ${dash(p.code)} ${dash(p.status)} ${dash(p.route)}`;
    case "auth_success":
      return `auth_success ${p.method} ${dash(p.kind)} ${dash(p.provider)}`;
    case "auth_failure":
      return `auth_failure ${p.method} ${dash(p.kind)} ${dash(p.provider)} ${dash(p.reason)}`;
    default:
      return type;
  }
}

/** Every event received, as `key → count` (an aggregated record counts as its `count`). */
export function eventCounts(sink: Sink): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const batch of sink.batches()) {
    for (const event of batch.events as Array<{ type: string; props: Props }>) {
      const key = keyOf(event.type, event.props);
      counts[key] = (counts[key] ?? 0) + (typeof event.props.count === "number" ? event.props.count : 1);
    }
  }
  return counts;
}

/** The props of every event of one type. */
export function eventsOf(sink: Sink, type: string): Props[] {
  return sink
    .batches()
    .flatMap((b) =>
      (b.events as Array<{ type: string; props: Props }>).filter((e) => e.type === type).map((e) => e.props),
    );
}
