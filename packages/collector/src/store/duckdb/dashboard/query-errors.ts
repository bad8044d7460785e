/**
 * Errors: occurrences per code and per type from dash_errors, installations
 * per code and per type from their presence tables, installations with any
 * error, and the daily series of the most frequent codes, in one statement.
 */
import type { DashboardQuery, DashboardQueryOptions, ErrorsAggregate } from "../../dashboard-types.js";
import {
  dayMs,
  dayRange,
  firstsSql,
  isFiltered,
  num,
  type PanelContext,
  Params,
  presenceInstallationsSql,
  rows,
  segmentCondition,
} from "./dashboard-sql.js";
import { PRESENCE_TABLES } from "./rollup-schema.js";

export async function queryErrors(
  context: PanelContext,
  query: DashboardQuery,
  options: DashboardQueryOptions,
): Promise<ErrorsAggregate> {
  const { connection, labels, multi } = context;
  const params = new Params();
  const { a, b } = dayRange(query, params);
  const segment = segmentCondition(query.filter, params);
  const table = isFiltered(query.filter) ? "dash_errors" : "dash_errors_all";
  const range = `day >= ${a} AND day < ${b} AND ${segment}`;
  const label = (key: unknown) => labels.get(num(key))?.a ?? null;
  const installations = (kind: "code" | "type") =>
    presenceInstallationsSql({ kind, query, a, b, segment, multi: multi.segments });

  // one statement (each costs a round trip and a plan): a GROUP BY on one column runs on a perfect
  // hash, so each grouping is its own branch; the daily series is read for every code and the top
  // ones picked here (a few thousand rows at most)
  const from = `FROM ${table} WHERE ${range}`;
  const result = await rows(
    connection,
    `SELECT 0 AS part, code_key AS key, NULL::DATE AS day, sum(occurrences) AS n ${from} GROUP BY code_key
     UNION ALL SELECT 1, type_key, NULL, sum(occurrences) ${from} GROUP BY type_key
     UNION ALL SELECT 2, code_key, day, sum(occurrences) ${from} GROUP BY day, code_key
     UNION ALL SELECT 3, key, NULL, installations FROM (${installations("code")})
     UNION ALL SELECT 4, key, NULL, installations FROM (${installations("type")})
     UNION ALL SELECT 5, 0, NULL, count(DISTINCT inst)
       FROM (${firstsSql({ table: PRESENCE_TABLES.type, columns: "inst", a, b, segment })})`,
    params,
  );
  const parts = ([0, 1, 2, 3, 4, 5] as const).map((part) => result.filter((row) => row[0] === part));
  const [byCodeRows, byTypeRows, dailyRows, codeRows, typeRows, [[, , , anyError] = []]] = parts as [
    unknown[][],
    unknown[][],
    unknown[][],
    unknown[][],
    unknown[][],
    unknown[][],
  ];
  const codeInstallations = new Map(codeRows.map(([, key, , n]) => [num(key), num(n)]));
  const typeInstallations = new Map(typeRows.map(([, key, , n]) => [num(key), num(n)]));

  const out: ErrorsAggregate = {
    active: context.active,
    total: { occurrences: 0, installations: num(anyError) },
    codes: [],
    types: [],
    daily: [],
  };
  const byCode = new Map(byCodeRows.map(([, key, , n]) => [num(key), num(n)]));
  const byType = new Map(byTypeRows.map(([, key, , n]) => [num(key), num(n)]));
  for (const n of byCode.values()) out.total.occurrences += n;
  for (const [key, occurrences] of byCode) {
    out.codes.push({ code: label(key), occurrences, installations: codeInstallations.get(key) ?? 0 });
  }
  for (const [key, occurrences] of byType) {
    out.types.push({ type: label(key), occurrences, installations: typeInstallations.get(key) ?? 0 });
  }
  out.codes.sort((x, y) => y.occurrences - x.occurrences || String(x.code).localeCompare(String(y.code)));
  out.types.sort((x, y) => y.occurrences - x.occurrences || String(x.type).localeCompare(String(y.type)));

  // the daily series of the most frequent codes
  const byLabel = new Map([...byCode.keys()].map((key) => [label(key), key]));
  const top = out.codes.slice(0, Math.max(0, Math.trunc(options.seriesCodes ?? 8))).map((c) => byLabel.get(c.code)!);
  const chosen = new Set(top);
  out.daily = dailyRows
    .filter(([, key]) => chosen.has(num(key)))
    .map(([, key, day, n]) => ({ key: num(key), day: dayMs(day), occurrences: num(n) }))
    .sort((x, y) => x.day - y.day || x.key - y.key)
    .map(({ key, day, occurrences }) => ({ day, code: label(key), occurrences }));
  return out;
}
