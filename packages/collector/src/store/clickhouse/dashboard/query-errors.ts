/**
 * Errors: occurrences and installations per code and per type, installations
 * with any error, and the daily series of the most frequent codes.
 */
import type { DashboardQuery, DashboardQueryOptions, ErrorsAggregate } from "../../dashboard-types.js";
import { dayMs, jsonText, num, str } from "../sql.js";
import { countActive, type PanelContext, scope, selectScoped } from "./panel-sql.js";

const ERROR_COLUMNS = `${jsonText("props", "code")} AS code, ${jsonText("props", "type")} AS error_type`;

interface Group {
  key: string | null;
  occurrences: unknown;
  installations: unknown;
}

export async function queryErrors(
  context: PanelContext,
  query: DashboardQuery,
  options: DashboardQueryOptions = {},
): Promise<ErrorsAggregate> {
  const errors = () => scope(context, query, { types: ["error"], final: true });
  const grouped = (column: "code" | "error_type") =>
    selectScoped<Group>(
      context,
      errors(),
      (from) => `SELECT ${column} AS key, sum(count) AS occurrences, uniqExact(installation_id) AS installations
        FROM (SELECT count, installation_id, ${ERROR_COLUMNS} FROM ${from}) GROUP BY key`,
    );
  const [codes, types, [total], daily, active] = await Promise.all([
    grouped("code"),
    grouped("error_type"),
    selectScoped<{ installations: unknown }>(
      context,
      errors(),
      (from) => `SELECT uniqExact(installation_id) AS installations FROM ${from}`,
    ),
    // every code's days: the few shown are picked below, after the same ranking as the DuckDB store's
    selectScoped<{ day: string; code: string | null; occurrences: unknown }>(
      context,
      errors(),
      (from) => `SELECT day, code, sum(count) AS occurrences
        FROM (SELECT toDate(ts) AS day, count, ${ERROR_COLUMNS} FROM ${from}) GROUP BY day, code ORDER BY day, code`,
    ),
    countActive(context, query),
  ]);

  const out: ErrorsAggregate = {
    active,
    total: { occurrences: 0, installations: num(total?.installations) },
    codes: codes.map((g) => ({
      code: str(g.key),
      occurrences: num(g.occurrences),
      installations: num(g.installations),
    })),
    types: types.map((g) => ({
      type: str(g.key),
      occurrences: num(g.occurrences),
      installations: num(g.installations),
    })),
    daily: [],
  };
  for (const c of out.codes) out.total.occurrences += c.occurrences;
  out.codes.sort((x, y) => y.occurrences - x.occurrences || String(x.code).localeCompare(String(y.code)));
  out.types.sort((x, y) => y.occurrences - x.occurrences || String(x.type).localeCompare(String(y.type)));
  const top = new Set(out.codes.slice(0, Math.max(0, Math.trunc(options.seriesCodes ?? 8))).map((c) => c.code));
  out.daily = daily
    .filter((d) => top.has(str(d.code)))
    .map((d) => ({ day: dayMs(d.day), code: str(d.code), occurrences: num(d.occurrences) }));
  return out;
}
