/**
 * The `init` event: how an auth instance is configured, as booleans, counts and
 * small enums. Better Auth's own telemetry sends custom field names, table
 * names and OAuth scopes verbatim; this reads each setting it reports one by
 * one and never copies a string out of the options, so the secret, base URL,
 * client ids, trusted origins, cookie names, field, table and column names,
 * scopes and default values cannot be in it.
 */
import { KNOWN_PLUGINS, SOCIAL_PROVIDERS } from "@better-auth-telemetry/protocol";
import type { BetterAuthOptions } from "better-auth";
import type { InitProps } from "../client/index.js";
import { describeDatabase } from "./database.js";

/** This plugin's id: it is the reporter, not part of what it reports. */
export const TELEMETRY_PLUGIN_ID = "telemetry" as const;

/** The parts of Better Auth's `AuthContext` the snapshot reads (resolved defaults included). */
export interface SnapshotSource {
  options: BetterAuthOptions;
  version?: unknown;
  adapter?: unknown;
  rateLimit?: { enabled?: unknown; storage?: unknown };
  sessionConfig?: { expiresIn?: unknown; updateAge?: unknown; freshAge?: unknown };
  password?: { config?: { minPasswordLength?: unknown; maxPasswordLength?: unknown } };
}

type Features = NonNullable<InitProps["features"]>;
type Plugin = (typeof KNOWN_PLUGINS)[number];
type Provider = (typeof SOCIAL_PROVIDERS)[number];

const KNOWN: ReadonlySet<string> = new Set(KNOWN_PLUGINS);
const PROVIDERS: ReadonlySet<string> = new Set(SOCIAL_PROVIDERS);
const RATE_LIMIT_STORAGES: ReadonlySet<string> = new Set(["memory", "database", "secondary-storage"]);
const COOKIE_CACHE_STRATEGIES: ReadonlySet<string> = new Set(["compact", "jwt", "jwe"]);

const count = (value: unknown): number | undefined =>
  Array.isArray(value) ? value.length : value && typeof value === "object" ? Object.keys(value).length : undefined;
const int = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
const oneOf = (value: unknown, allowed: ReadonlySet<string>): string | undefined =>
  typeof value === "string" && allowed.has(value) ? value : undefined;

function pluginIds(options: BetterAuthOptions): string[] {
  return (options.plugins ?? [])
    .map((plugin) => (plugin as { id?: unknown }).id)
    .filter((id): id is string => typeof id === "string" && id !== TELEMETRY_PLUGIN_ID);
}

/** Configured providers: a disabled one (`enabled: false`) is not in use. */
function socialProviderIds(options: BetterAuthOptions): string[] {
  return Object.entries(options.socialProviders ?? {})
    .filter(([, config]) => config && (config as { enabled?: unknown }).enabled !== false)
    .map(([id]) => id);
}

function features(source: SnapshotSource, providerCount: number): Features {
  const o = source.options;
  const emailAndPassword = o.emailAndPassword?.enabled === true;
  const cookieCache = o.session?.cookieCache?.enabled === true;
  const linking = o.account?.accountLinking;
  const rateLimitEnabled = typeof source.rateLimit?.enabled === "boolean" ? source.rateLimit.enabled : undefined;
  const hookCount = (o.databaseHooks && count(o.databaseHooks)) || 0;
  const all: Record<string, boolean | number | string | undefined> = {
    emailAndPassword,
    requireEmailVerification: emailAndPassword ? o.emailAndPassword?.requireEmailVerification === true : undefined,
    emailVerification: typeof o.emailVerification?.sendVerificationEmail === "function",
    sendVerificationOnSignUp: o.emailVerification?.sendOnSignUp === true,
    autoSignIn: emailAndPassword ? o.emailAndPassword?.autoSignIn !== false : undefined,
    passwordReset: emailAndPassword ? typeof o.emailAndPassword?.sendResetPassword === "function" : undefined,
    minPasswordLength: emailAndPassword ? int(source.password?.config?.minPasswordLength) : undefined,
    maxPasswordLength: emailAndPassword ? int(source.password?.config?.maxPasswordLength) : undefined,
    socialProviderCount: providerCount,
    changeEmail: o.user?.changeEmail?.enabled === true,
    deleteUser: o.user?.deleteUser?.enabled === true,
    sessionExpiresIn: int(source.sessionConfig?.expiresIn),
    sessionUpdateAge: int(source.sessionConfig?.updateAge),
    freshAge: int(source.sessionConfig?.freshAge),
    cookieCache,
    cookieCacheStrategy: cookieCache
      ? (oneOf(o.session?.cookieCache?.strategy, COOKIE_CACHE_STRATEGIES) ?? "compact")
      : undefined,
    storeSessionInDatabase: o.session?.storeSessionInDatabase === true,
    // Better Auth links accounts unless told not to
    accountLinking: linking?.enabled !== false,
    trustedProviderCount: Array.isArray(linking?.trustedProviders) ? linking.trustedProviders.length : undefined,
    rateLimit: rateLimitEnabled,
    rateLimitStorage: rateLimitEnabled ? oneOf(source.rateLimit?.storage, RATE_LIMIT_STORAGES) : undefined,
    rateLimitCustomRules: count(o.rateLimit?.customRules) ?? 0,
    secondaryStorage: o.secondaryStorage !== undefined && o.secondaryStorage !== null,
    userAdditionalFields: count(o.user?.additionalFields) ?? 0,
    sessionAdditionalFields: count(o.session?.additionalFields) ?? 0,
    databaseHooks: hookCount > 0,
    hooks: Boolean(o.hooks?.before || o.hooks?.after),
    crossSubDomainCookies: o.advanced?.crossSubDomainCookies?.enabled === true,
    useSecureCookies: o.advanced?.useSecureCookies === true,
    disableCSRFCheck: o.advanced?.disableCSRFCheck === true,
    trustedOriginCount: Array.isArray(o.trustedOrigins) ? o.trustedOrigins.length : undefined,
    customIdGeneration: Boolean(
      (o.advanced as { generateId?: unknown } | undefined)?.generateId || o.advanced?.database?.generateId,
    ),
    experimentalJoins: Boolean((o as { experimental?: { joins?: unknown } }).experimental?.joins),
  };
  const out: Features = {};
  for (const [key, value] of Object.entries(all)) if (value !== undefined) out[key] = value;
  return out;
}

/** The init props for an auth context. Only closed vocabularies and numbers leave this function. */
export function configSnapshot(source: SnapshotSource): InitProps {
  const ids = pluginIds(source.options);
  const plugins = [...new Set(ids.filter((id) => KNOWN.has(id)))].sort() as Plugin[];
  const providerIds = socialProviderIds(source.options);
  const providers = new Set<Provider>(providerIds.map((id) => (PROVIDERS.has(id) ? (id as Provider) : "custom")));
  // generic OAuth and SSO providers are named by the app; they travel as `custom`
  if (ids.includes("generic-oauth") || ids.includes("sso")) providers.add("custom");

  const props: InitProps = {
    plugins,
    customPluginCount: ids.filter((id) => !KNOWN.has(id)).length,
    socialProviders: [...providers].sort(),
    features: features(source, providerIds.length),
  };
  if (typeof source.version === "string") props.betterAuthVersion = source.version;
  const database = describeDatabase(source.adapter);
  if (database) props.database = database;
  return props;
}
