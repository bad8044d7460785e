/**
 * POST /v1/track: what Better Auth's built-in `@better-auth/telemetry` sends
 * (`{ type, anonymousId, payload }`) when an app sets BETTER_AUTH_TELEMETRY=1 and
 * BETTER_AUTH_TELEMETRY_ENDPOINT to this collector. Its `init` payload is mapped
 * onto our `init` event and then through the same allow-list as our own client's
 * batches. That payload carries model names, custom field definitions, OAuth
 * scopes, cookie settings and more, verbatim: only booleans, counts and closed
 * vocabularies survive; names are counted, never stored.
 */
import {
  CONTEXT,
  DATABASE_ADAPTERS,
  DATABASE_KINDS,
  type Drop,
  FRAMEWORKS,
  KNOWN_PLUGINS,
  PROVIDERS,
  RUNTIMES,
  SOCIAL_PROVIDERS,
  sanitize,
  sanitizeEvent,
} from "@better-auth-telemetry/protocol";
import { CollectorError } from "../http/errors.js";
import type { IngestBatch, IngestContext } from "../store/event-store.js";
import { derivedUuid, uuidv7 } from "./ids.js";

export interface TrackBody {
  type: string;
  anonymousId: string;
  payload?: unknown;
}

export interface TrackMapping {
  /** null when the event type has no counterpart in our protocol (it is dropped). */
  batch: IngestBatch | null;
  droppedEvents: number;
  droppedFields: number;
}

/** Namespace of installation ids derived from an anonymousId; changing it re-keys every id. */
export const TRACK_ID_NAMESPACE = "better-auth-telemetry/anonymousId/v1";

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const oneOf = <T extends string>(list: readonly T[], v: unknown): T | undefined =>
  typeof v === "string" && (list as readonly string[]).includes(v) ? (v as T) : undefined;
const bool = (v: unknown): boolean | undefined => (typeof v === "boolean" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const keyCount = (v: unknown): number | undefined => Object.keys(obj(v)).length || undefined;

export function mapTrack(body: TrackBody, options: { secret: Uint8Array; now?: number }): TrackMapping {
  if (body.type !== "init") return { batch: null, droppedEvents: 1, droppedFields: 0 };
  let droppedFields = 0;
  const onDrop = (_: Drop) => {
    droppedFields++;
  };
  const payload = obj(body.payload);
  const context = sanitize(CONTEXT, mapContext(payload), "context", onDrop) as IngestContext | undefined;
  if (!context) {
    throw new CollectorError({
      code: "invalid_batch",
      message: "payload.runtime and payload.environment must name a known runtime and environment",
      path: "payload.environment",
    });
  }
  const now = options.now ?? Date.now();
  const event = sanitizeEvent(
    { id: uuidv7(now), type: "init", ts: now, props: mapInitProps(obj(payload.config), payload) },
    onDrop,
  );
  return {
    batch: {
      envelope: {
        source: "better-auth",
        installationId: derivedUuid({ secret: options.secret, namespace: TRACK_ID_NAMESPACE, value: body.anonymousId }),
        // a hashed project name or base URL is stable; otherwise Better Auth made up 32 random characters per process
        idKind: /^[A-Za-z0-9+/]{43}=$/.test(body.anonymousId) ? "persistent" : "ephemeral",
        sdkVersion: null,
        context,
        additionalData: null,
      },
      events: event ? [event] : [],
    },
    droppedEvents: event ? 0 : 1,
    droppedFields,
  };
}

function mapContext(payload: Obj): Obj {
  const runtime = obj(payload.runtime);
  const system = obj(payload.systemInfo);
  const framework = obj(payload.framework);
  return {
    runtime: oneOf(RUNTIMES, runtime.name) ?? "other",
    runtimeVersion: runtime.version,
    platform: system.systemPlatform,
    arch: system.systemArchitecture,
    framework: oneOf(FRAMEWORKS, framework.name),
    frameworkVersion: versionOf(framework.version),
    environment: payload.environment,
    provider: providerOf(system.deploymentVendor, runtime.name),
  };
}

/** Better Auth reads framework versions from package.json ranges (`^4.6.0`): keep a plain version, drop the rest. */
function versionOf(range: unknown): string | undefined {
  if (typeof range !== "string") return undefined;
  return /^[\^~=v]{0,2}(\d+(\.\d+){0,2})$/.exec(range.trim())?.[1];
}

/** Better Auth's vendor names, mapped onto std-env's provider names that the protocol uses. */
function providerOf(vendor: unknown, runtime: unknown): string | undefined {
  if (vendor === null || vendor === undefined) return undefined;
  const known: Record<string, string> = { "fly-io": "fly", aws: "aws_lambda" };
  if (vendor === "cloudflare") return runtime === "workerd" ? "cloudflare_workers" : "cloudflare_pages";
  const name = typeof vendor === "string" ? (known[vendor] ?? vendor) : "";
  return oneOf(PROVIDERS, name) ?? "other";
}

function mapInitProps(config: Obj, payload: Obj): Obj {
  const plugins = Array.isArray(config.plugins) ? config.plugins.filter((p) => typeof p === "string") : [];
  const known = plugins.filter((p) => oneOf(KNOWN_PLUGINS, p));
  const social = Array.isArray(config.socialProviders) ? config.socialProviders.map((p) => obj(p).id) : [];
  return {
    database: {
      kind: databaseKind(config, obj(payload.database)),
      adapter: config.adapter === undefined ? undefined : (oneOf(DATABASE_ADAPTERS, config.adapter) ?? "custom"),
    },
    plugins: [...new Set(known)],
    customPluginCount: plugins.length - known.length,
    socialProviders: [...new Set(social.filter((id) => oneOf(SOCIAL_PROVIDERS, id)))],
    features: mapFeatures(config),
  };
}

function databaseKind(config: Obj, detected: Obj): string | undefined {
  const direct = oneOf(DATABASE_KINDS, config.database);
  if (direct) return direct;
  if (config.adapter === "memory" || config.adapter === "mongodb") return config.adapter;
  // Better Auth's dependency scan: { name: "postgresql" | "mysql" | "mariadb" | "sqlite" | "mongodb" | "prisma" | ... }
  const byPackage: Record<string, string> = {
    postgresql: "postgres",
    mysql: "mysql",
    mariadb: "mysql",
    sqlite: "sqlite",
    mongodb: "mongodb",
  };
  const name = typeof detected.name === "string" ? byPackage[detected.name] : undefined;
  if (name) return name;
  return config.database === undefined && detected.name === undefined ? undefined : "other";
}

/** Only settings that Better Auth reports faithfully: `!!undefined` reads as false, so defaults that are true are not trusted. */
function mapFeatures(config: Obj): Obj {
  const ep = obj(config.emailAndPassword);
  const ev = obj(config.emailVerification);
  const user = obj(config.user);
  const session = obj(config.session);
  const cookieCache = obj(session.cookieCache);
  const linking = obj(obj(config.account).accountLinking);
  const rateLimit = obj(config.rateLimit);
  const hooks = obj(config.hooks);
  const advanced = obj(config.advanced);
  const generateId = obj(advanced.database).generateId;
  return {
    emailAndPassword: bool(ep.enabled),
    requireEmailVerification: bool(ep.requireEmailVerification),
    emailVerification: bool(ev.sendVerificationEmail),
    sendVerificationOnSignUp: bool(ev.sendOnSignUp),
    autoSignIn: ep.autoSignIn === true ? true : undefined,
    passwordReset: bool(ep.sendResetPassword),
    minPasswordLength: num(ep.minPasswordLength),
    maxPasswordLength: num(ep.maxPasswordLength),
    socialProviderCount: Array.isArray(config.socialProviders) ? config.socialProviders.length : undefined,
    changeEmail: bool(obj(user.changeEmail).enabled),
    sessionExpiresIn: num(session.expiresIn),
    sessionUpdateAge: num(session.updateAge),
    freshAge: num(session.freshAge),
    cookieCache: bool(cookieCache.enabled),
    cookieCacheStrategy: cookieCache.strategy,
    storeSessionInDatabase: bool(session.storeSessionInDatabase),
    accountLinking: bool(linking.enabled),
    trustedProviderCount: Array.isArray(linking.trustedProviders) ? linking.trustedProviders.length : undefined,
    rateLimit: bool(rateLimit.enabled),
    rateLimitStorage: rateLimit.storage,
    secondaryStorage: bool(config.secondaryStorage),
    userAdditionalFields: keyCount(user.additionalFields),
    sessionAdditionalFields: keyCount(session.additionalFields),
    databaseHooks: config.databaseHooks === undefined ? undefined : anyTrue(config.databaseHooks, 4),
    hooks: hooks.before === true || hooks.after === true,
    crossSubDomainCookies: bool(obj(advanced.crossSubDomainCookies).enabled),
    useSecureCookies: bool(advanced.useSecureCookies),
    disableCSRFCheck: bool(advanced.disableCSRFCheck),
    trustedOriginCount: num(config.trustedOrigins),
    // a function does not survive JSON; a string ("uuid", "serial") or false (the database makes ids) does
    customIdGeneration: generateId === undefined ? undefined : true,
  };
}

/** Whether any leaf is `true`, looking at most `depth` levels down. */
function anyTrue(value: unknown, depth: number): boolean {
  if (value === true) return true;
  if (depth === 0 || typeof value !== "object" || value === null) return false;
  return Object.values(value).some((v) => anyTrue(v, depth - 1));
}
