/**
 * Authentication: successes and failures per sign-in method and provider,
 * failure reasons, totals by kind and per day, from dash_auth in one scan
 * (GROUPING SETS); installations per method/provider and per reason from
 * their presence tables.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { AuthAggregate, DashboardQuery } from "../../dashboard-types.js";
import {
  countInstallations,
  dayMs,
  dayRange,
  firstsSql,
  isFiltered,
  num,
  Params,
  rows,
  segmentCondition,
  str,
} from "./dashboard-sql.js";
import { PRESENCE_TABLES } from "./rollup-schema.js";

export async function queryAuth(
  connection: DuckDBConnection,
  query: DashboardQuery,
  options: { active: number },
): Promise<AuthAggregate> {
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params);
  const firsts = (table: string) => `(${firstsSql({ table, columns: "key, inst", a, b, segment })})`;
  const result = await rows(
    connection,
    `WITH sums AS (
       SELECT GROUPING(auth_key, reason_key, kind, day) AS g, auth_key, reason_key, kind, day,
         sum(occurrences) FILTER (success) AS ok, sum(occurrences) FILTER (NOT success) AS failed
       FROM ${isFiltered(query.filter) ? "dash_auth" : "dash_auth_all"} WHERE day >= ${a} AND day < ${b} AND ${segment}
       GROUP BY GROUPING SETS ((auth_key), (reason_key), (kind), (day))
     ),
     auth_installations AS (${countInstallations({ firsts: firsts(PRESENCE_TABLES.auth), group: ["key"] })}),
     reason_installations AS (${countInstallations({ firsts: firsts(PRESENCE_TABLES.reason), group: ["key"] })})
     SELECT 'group', l.a, l.b, s.ok, s.failed, i.installations, NULL::DATE
       FROM sums s JOIN dash_labels l ON l.id = s.auth_key LEFT JOIN auth_installations i ON i.key = s.auth_key
       WHERE s.auth_key IS NOT NULL
     UNION ALL
     SELECT 'reason', l.a, NULL, NULL, s.failed, i.installations, NULL
       FROM sums s JOIN dash_labels l ON l.id = s.reason_key LEFT JOIN reason_installations i ON i.key = s.reason_key
       WHERE s.reason_key IS NOT NULL
     UNION ALL
     SELECT 'kind', s.kind, NULL, s.ok, s.failed, NULL, NULL FROM sums s WHERE s.g = ${0b1101}
     UNION ALL
     SELECT 'daily', NULL, NULL, s.ok, s.failed, NULL, s.day FROM sums s WHERE s.day IS NOT NULL`,
    params,
  );
  const out: AuthAggregate = { active: options.active, groups: [], reasons: [], kinds: [], daily: [] };
  for (const [part, x, y, ok, failed, installations, day] of result) {
    if (part === "group") {
      out.groups.push({
        method: String(x),
        provider: str(y),
        successes: num(ok),
        failures: num(failed),
        installations: num(installations),
      });
    } else if (part === "reason") {
      out.reasons.push({ reason: str(x), occurrences: num(failed), installations: num(installations) });
    } else if (part === "kind") {
      out.kinds.push({ kind: str(x), successes: num(ok), failures: num(failed) });
    } else {
      out.daily.push({ day: dayMs(day), successes: num(ok), failures: num(failed) });
    }
  }
  const total = (g: { successes: number; failures: number }) => g.successes + g.failures;
  out.groups.sort((p, q) => total(q) - total(p) || p.method.localeCompare(q.method));
  out.reasons.sort((p, q) => q.occurrences - p.occurrences || String(p.reason).localeCompare(String(q.reason)));
  out.kinds.sort((p, q) => total(q) - total(p));
  out.daily.sort((p, q) => p.day - q.day);
  return out;
}
