/**
 * The database in use, as two small enums: the engine (sqlite, postgres…) and
 * the adapter (kysely, prisma, drizzle…). Read from the adapter Better Auth
 * built, never from the connection: a connection string names a host.
 */
import { DATABASE_ADAPTERS, type DATABASE_KINDS } from "@better-auth-telemetry/protocol";

type Kind = (typeof DATABASE_KINDS)[number];
type Adapter = (typeof DATABASE_ADAPTERS)[number];

const ADAPTERS: ReadonlySet<string> = new Set(DATABASE_ADAPTERS);

/** The provider and dialect names adapters use (Prisma's `postgresql`, Drizzle's `pg`, Kysely's `postgres`…). */
const KINDS: Readonly<Record<string, Kind>> = {
  sqlite: "sqlite",
  d1: "sqlite",
  libsql: "sqlite",
  pg: "postgres",
  postgres: "postgres",
  postgresql: "postgres",
  cockroachdb: "postgres",
  mysql: "mysql",
  mariadb: "mysql",
  mssql: "mssql",
  sqlserver: "mssql",
  mongodb: "mongodb",
  memory: "memory",
};

export interface DatabaseInfo {
  kind?: Kind;
  adapter?: Adapter;
}

/** `adapter` is Better Auth's `ctx.adapter`: `{ id, options: { type | provider, … } }`. */
export function describeDatabase(adapter: unknown): DatabaseInfo | undefined {
  if (typeof adapter !== "object" || adapter === null) return undefined;
  const id = (adapter as { id?: unknown }).id;
  const options = (adapter as { options?: { type?: unknown; provider?: unknown } }).options;
  const name = typeof id === "string" ? id : undefined;
  const info: DatabaseInfo = {};
  if (name !== undefined) info.adapter = ADAPTERS.has(name) ? (name as Adapter) : "custom";
  // Kysely names its dialect `type`; Prisma and Drizzle name it `provider`
  const dialect = options?.type ?? options?.provider ?? (name === "mongodb" || name === "memory" ? name : undefined);
  if (typeof dialect === "string") {
    const key = dialect.toLowerCase();
    info.kind = Object.hasOwn(KINDS, key) ? KINDS[key] : "other";
  }
  return info.kind || info.adapter ? info : undefined;
}
