/**
 * Errors: occurrences from dash_errors (sums per day, segment, type and code),
 * installations per code and per type from their presence tables, and the
 * daily series of the most frequent codes.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import type { DashboardQuery, DashboardQueryOptions, ErrorsAggregate } from "../../dashboard-types.js";
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

export async function queryErrors(
  connection: DuckDBConnection,
  query: DashboardQuery,
  options: DashboardQueryOptions & { active: number },
): Promise<ErrorsAggregate> {
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params);
  const firsts = (table: string) => `(${firstsSql({ table, columns: "key, inst", a, b, segment })})`;
  const codeFirsts = firsts(PRESENCE_TABLES.code);
  const result = await rows(
    connection,
    `WITH sums AS (
       SELECT day, type_key, code_key, sum(occurrences) AS n FROM ${isFiltered(query.filter) ? "dash_errors" : "dash_errors_all"}
       WHERE day >= ${a} AND day < ${b} AND ${segment} GROUP BY ALL
     ),
     codes AS (SELECT code_key AS key, sum(n) AS n FROM sums GROUP BY ALL),
     types AS (SELECT type_key AS key, sum(n) AS n FROM sums GROUP BY ALL),
     code_installations AS (${countInstallations({ firsts: codeFirsts, group: ["key"] })}),
     type_installations AS (${countInstallations({ firsts: firsts(PRESENCE_TABLES.type), group: ["key"] })}),
     top AS (SELECT key FROM codes ORDER BY n DESC, key LIMIT ${Math.max(0, Math.trunc(options.seriesCodes ?? 8))})
     SELECT 'code' AS part, NULL::DATE, l.a, c.n, i.installations
       FROM codes c JOIN dash_labels l ON l.id = c.key LEFT JOIN code_installations i USING (key)
     UNION ALL
     SELECT 'type', NULL, l.a, t.n, i.installations
       FROM types t JOIN dash_labels l ON l.id = t.key LEFT JOIN type_installations i USING (key)
     UNION ALL
     SELECT 'daily', s.day, l.a, sum(s.n), NULL
       FROM sums s JOIN top ON top.key = s.code_key JOIN dash_labels l ON l.id = s.code_key GROUP BY s.day, l.a
     UNION ALL
     SELECT 'total', NULL, NULL, (SELECT sum(n) FROM codes), (SELECT count(DISTINCT inst) FROM ${codeFirsts})`,
    params,
  );

  const out: ErrorsAggregate = {
    active: options.active,
    total: { occurrences: 0, installations: 0 },
    codes: [],
    types: [],
    daily: [],
  };
  for (const [part, day, label, occurrences, installations] of result) {
    if (part === "code")
      out.codes.push({ code: str(label), occurrences: num(occurrences), installations: num(installations) });
    else if (part === "type")
      out.types.push({ type: str(label), occurrences: num(occurrences), installations: num(installations) });
    else if (part === "daily") out.daily.push({ day: dayMs(day), code: str(label), occurrences: num(occurrences) });
    else out.total = { occurrences: num(occurrences), installations: num(installations) };
  }
  out.codes.sort((x, y) => y.occurrences - x.occurrences || String(x.code).localeCompare(String(y.code)));
  out.types.sort((x, y) => y.occurrences - x.occurrences || String(x.type).localeCompare(String(y.type)));
  out.daily.sort((x, y) => x.day - y.day || String(x.code).localeCompare(String(y.code)));
  return out;
}
