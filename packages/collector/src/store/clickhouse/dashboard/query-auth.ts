/**
 * Authentication: successes and failures per sign-in method and provider
 * (installations with either), failure reasons, totals by kind and per day;
 * sums from dash_auth, installations from dash_presence.
 */
import type { AuthAggregate, DashboardQuery } from "../../dashboard-types.js";
import { dayMs, num, Params, str } from "../sql.js";
import { countActive, installationsByLabel, labelKey, type PanelContext, selectAll, sums } from "./panel-sql.js";

const SPLIT = "sumIf(occurrences, success = 1) AS successes, sumIf(occurrences, success = 0) AS failures";

export async function queryAuth(context: PanelContext, query: DashboardQuery): Promise<AuthAggregate> {
  const auth = (columns: string[], sql: (from: string) => string, where?: string) => {
    const params = new Params();
    const from = sums(context, query, params, "auth", { where, columns: [...columns, "success", "occurrences"] });
    return selectAll<Record<string, unknown>>(context, sql(from), params);
  };
  const [groups, reasons, kinds, daily, installations, active] = await Promise.all([
    auth(
      ["sign_in_method", "social_provider"],
      (rows) => `SELECT sign_in_method AS m, social_provider AS p, ${SPLIT} FROM ${rows} GROUP BY m, p`,
    ),
    // reasons come from failures only
    auth(
      ["failure_reason"],
      (rows) => `SELECT failure_reason AS reason, sum(occurrences) AS occurrences FROM ${rows} GROUP BY reason`,
      "success = 0",
    ),
    auth(["auth_kind"], (rows) => `SELECT auth_kind AS kind, ${SPLIT} FROM ${rows} GROUP BY kind`),
    auth([], (rows) => `SELECT day, ${SPLIT} FROM ${rows} GROUP BY day ORDER BY day`),
    installationsByLabel(context, query, ["auth", "reason"]),
    countActive(context, query),
  ]);

  const byGroup = installations.get("auth")!.labels;
  const byReason = installations.get("reason")!.labels;
  const out: AuthAggregate = {
    active,
    groups: groups.map((g) => ({
      method: String(g.m),
      provider: str(g.p),
      successes: num(g.successes),
      failures: num(g.failures),
      installations: byGroup.get(labelKey(str(g.m), str(g.p))) ?? 0,
    })),
    reasons: reasons.map((r) => ({
      reason: str(r.reason),
      occurrences: num(r.occurrences),
      installations: byReason.get(labelKey(str(r.reason))) ?? 0,
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
