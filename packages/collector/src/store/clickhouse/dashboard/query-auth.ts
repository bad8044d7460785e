/**
 * Authentication: successes and failures per sign-in method and provider
 * (installations with either), failure reasons, totals by kind and per day.
 */
import type { AuthAggregate, DashboardQuery } from "../../dashboard-types.js";
import { dayMs, jsonText, num, str } from "../sql.js";
import { countActive, type PanelContext, scope, selectScoped } from "./panel-sql.js";

// the aliases are not column names: `method` and `provider` are columns of events (the HTTP method,
// the hosting provider), and ClickHouse would substitute an alias of that name in the WHERE
const AUTH_COLUMNS = `type = 'auth_success' AS success, count, installation_id, toDate(ts) AS day,
  ${jsonText("props", "method")} AS sign_in_method, ${jsonText("props", "provider")} AS social_provider,
  ${jsonText("props", "kind")} AS auth_kind, ${jsonText("props", "reason")} AS failure_reason`;

const SPLIT = "sumIf(count, success) AS successes, sumIf(count, NOT success) AS failures";

export async function queryAuth(context: PanelContext, query: DashboardQuery): Promise<AuthAggregate> {
  const auth = (sql: (from: string) => string) =>
    selectScoped<Record<string, unknown>>(
      context,
      scope(context, query, { types: ["auth_success", "auth_failure"], final: true }),
      (from) => sql(`(SELECT ${AUTH_COLUMNS} FROM ${from})`),
    );
  const [groups, reasons, kinds, daily, active] = await Promise.all([
    auth(
      (rows) => `SELECT sign_in_method AS method, social_provider AS provider, ${SPLIT},
          uniqExact(installation_id) AS installations
        FROM ${rows} GROUP BY method, provider`,
    ),
    // reasons come from failures only
    auth(
      (rows) => `SELECT failure_reason AS reason, sum(count) AS occurrences, uniqExact(installation_id) AS installations
        FROM ${rows} WHERE NOT success GROUP BY reason`,
    ),
    auth((rows) => `SELECT auth_kind AS kind, ${SPLIT} FROM ${rows} GROUP BY kind`),
    auth((rows) => `SELECT day, ${SPLIT} FROM ${rows} GROUP BY day ORDER BY day`),
    countActive(context, query),
  ]);

  const out: AuthAggregate = {
    active,
    groups: groups.map((g) => ({
      method: String(g.method),
      provider: str(g.provider),
      successes: num(g.successes),
      failures: num(g.failures),
      installations: num(g.installations),
    })),
    reasons: reasons.map((r) => ({
      reason: str(r.reason),
      occurrences: num(r.occurrences),
      installations: num(r.installations),
    })),
    kinds: kinds.map((k) => ({ kind: str(k.kind), successes: num(k.successes), failures: num(k.failures) })),
    daily: daily.map((d) => ({ day: dayMs(d.day), successes: num(d.successes), failures: num(d.failures) })),
  };
  const total = (g: { successes: number; failures: number }) => g.successes + g.failures;
  out.groups.sort((p, q) => total(q) - total(p) || p.method.localeCompare(q.method));
  out.reasons.sort((p, q) => q.occurrences - p.occurrences || String(p.reason).localeCompare(String(q.reason)));
  out.kinds.sort((p, q) => total(q) - total(p));
  return out;
}
