/**
 * Authentication: successes and failures per sign-in method and provider,
 * failure reasons, totals by kind and per day, from dash_auth in one pass
 * (GROUPING SETS); installations per method/provider and per reason from
 * their presence tables.
 */
import type { AuthAggregate, DashboardQuery } from "../../dashboard-types.js";
import {
  countInstallations,
  dayMs,
  dayRange,
  firstsSql,
  isFiltered,
  num,
  type PanelContext,
  Params,
  rows,
  segmentCondition,
  str,
} from "./dashboard-sql.js";
import { PRESENCE_TABLES } from "./rollup-schema.js";

/** GROUPING(auth_key, reason_key, kind, day): 1 for each column a row is not grouped by. */
const SETS = { auth: 0b0111, reason: 0b1011, kind: 0b1101, day: 0b1110 } as const;

export async function queryAuth(context: PanelContext, query: DashboardQuery): Promise<AuthAggregate> {
  const { connection, labels, multi } = context;
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params);
  const table = isFiltered(query.filter) ? "dash_auth" : "dash_auth_all";
  const sums = await rows(
    connection,
    `SELECT GROUPING(auth_key, reason_key, kind, day), auth_key, reason_key, kind, day,
       coalesce(sum(occurrences) FILTER (success), 0), coalesce(sum(occurrences) FILTER (NOT success), 0)
     FROM ${table} WHERE day >= ${a} AND day < ${b} AND ${segment}
     GROUP BY GROUPING SETS ((auth_key), (reason_key), (kind), (day))`,
    params,
  );
  const installationsOf = async (kind: "auth" | "reason") => {
    const firsts = `(${firstsSql({ table: PRESENCE_TABLES[kind], columns: "key, inst", a, b, segment })})`;
    const result = await rows(connection, countInstallations({ firsts, multi: multi.segments }), params);
    return new Map(result.map(([key, n]) => [num(key), num(n)]));
  };
  const groupInstallations = await installationsOf("auth");
  const reasonInstallations = await installationsOf("reason");

  const out: AuthAggregate = { active: context.active, groups: [], reasons: [], kinds: [], daily: [] };
  for (const [grouping, authKey, reasonKey, kind, day, ok, failed] of sums) {
    const set = num(grouping);
    if (set === SETS.auth) {
      const label = labels.get(num(authKey));
      out.groups.push({
        method: String(label?.a),
        provider: label?.b ?? null,
        successes: num(ok),
        failures: num(failed),
        installations: groupInstallations.get(num(authKey)) ?? 0,
      });
    } else if (set === SETS.reason) {
      // successes carry no reason: their group (reason_key null) is not a reason
      if (reasonKey === null) continue;
      out.reasons.push({
        reason: labels.get(num(reasonKey))?.a ?? null,
        occurrences: num(failed),
        installations: reasonInstallations.get(num(reasonKey)) ?? 0,
      });
    } else if (set === SETS.kind) {
      out.kinds.push({ kind: str(kind), successes: num(ok), failures: num(failed) });
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
