/**
 * Property: whatever a caller passes, in whichever field, no personal data or
 * secret leaves the process. fast-check puts hostile values into every field of
 * every event and into additionalData; a real endpoint records every byte sent,
 * and the test searches all of it.
 */
import { EVENT_PROPS, EVENT_TYPES, sanitizeEnvelope, sanitizeEvent } from "@better-auth-telemetry/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelemetry } from "../../src/client/index.js";
import { type Sink, startSink } from "../support/sink.js";

const hex = (min: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${min},${min + 16}}$`));
const b64 = (min: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9+/]{${min},${min + 16}}$`));

/** Values that must never be seen on the wire, each long enough to search for unambiguously. */
const hostile = fc
  .oneof(
    fc.emailAddress(),
    fc.ipV4(),
    fc.ipV6(),
    fc.webUrl({ withQueryParameters: true }),
    fc.domain(),
    fc.tuple(b64(10), b64(10), b64(10)).map(([a, b, c]) => `eyJ${a}.eyJ${b}.${c}`),
    b64(20)
      .filter((s) => /\d.*\d/.test(s) && /[A-Za-z]/.test(s))
      .map((s) => `Bearer ${s}`),
    hex(24)
      .filter((s) => /\d.*\d/.test(s) && /[a-f]/.test(s))
      .map((s) => `better-auth.session_token=${s}`),
    hex(32).filter((s) => /\d.*\d/.test(s) && /[a-f]/.test(s)),
    fc.stringMatching(/^\+?[0-9]{10,14}$/),
    // shaped like route templates (lower case, a leading slash), so only the route screen stands in their way
    fc.domain().map((d) => `/${d}`),
    fc.uuid().map((u) => `/user/${u}`),
    hex(24).map((s) => `/session/${s}`),
    fc.constantFrom(
      "/user/jane.doe@example.com",
      "/reset-password/9f8e7d6c5b4a39281706f5e4d3c2b1a0",
      "/sign-in/email?email=jane@x.io",
    ),
  )
  .filter((s) => s.length >= 10);

/** A props object with a hostile value in every declared field, plus undeclared ones. */
function hostileProps(type: (typeof EVENT_TYPES)[number], values: string[]): Record<string, unknown> {
  const field = EVENT_PROPS[type];
  const names = field.kind === "object" ? Object.keys(field.fields) : [];
  const props: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const v = values[i % values.length]!;
    props[name] =
      name === "plugins" || name === "socialProviders"
        ? [v, "admin"]
        : name === "features"
          ? { emailAndPassword: v, [v]: true }
          : name === "database"
            ? { kind: v, adapter: v }
            : v;
  });
  return {
    ...props,
    message: values[0],
    stack: values[1],
    email: values[2],
    [values[3] ?? "x"]: values[0],
    durationMs: 3,
  };
}

let sink: Sink;
beforeAll(async () => {
  sink = await startSink();
});
afterAll(() => sink.close());

describe("privacy", () => {
  it("never sends a hostile value, whatever field it is put in", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { minLength: 6, maxLength: 12 }), async (values) => {
        const before = sink.requests.length;
        const t = createTelemetry({
          enabled: true,
          endpoint: sink.url,
          installationIdPath: false,
          logger: { warn() {}, debug() {} },
          additionalData: Object.fromEntries(values.map((v, i) => (i % 2 ? [`k${i}`, v] : [v.slice(0, 30), "ok"]))),
        });
        for (const type of EVENT_TYPES) t.track(type, hostileProps(type, values) as never);
        // and the same hostile values in the one free-form place a well-behaved caller uses
        t.track("api_request", { route: values[0]!, method: "GET", status: 200, durationMs: 1 });
        t.track("error", { code: values[1], type: values[2], route: values[3] });
        for (const v of values) {
          t.track("api_request", { route: v, method: "POST", status: 201, durationMs: 1 });
          t.track("error", { code: "NOT_FOUND", status: 404, route: v });
        }
        await t.shutdown({ timeoutMs: 2000 });
        const sent = sink.requests
          .slice(before)
          .map((r) => `${r.url}${JSON.stringify(r.headers)}${r.text}`)
          .join("\n");
        for (const v of values) {
          const at = sent.indexOf(v);
          expect(at, `${v} found in: ${sent.slice(Math.max(0, at - 300), at + 100)}`).toBe(-1);
        }
      }),
      { numRuns: Number(process.env.PRIVACY_RUNS ?? 60) },
    );
  });

  it("sends only what the protocol declares: every batch is already its own sanitised form", () => {
    expect(sink.requests.length).toBeGreaterThan(0);
    for (const batch of sink.batches()) {
      const { v, events, ...envelope } = batch;
      expect(v).toBe(1);
      expect(sanitizeEnvelope(envelope)).toEqual(envelope);
      for (const event of events) expect(sanitizeEvent(event)).toEqual(event);
    }
  });
});
