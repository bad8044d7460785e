/**
 * Errors: occurrences per code and per type from dash_errors (one pass),
 * installations per code and per type from their presence
 * tables, installations with any error, and the daily series of the most
 * frequent codes.
 */
import type { DashboardQuery, DashboardQueryOptions, ErrorsAggregate } from "../../dashboard-types.js";
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
  const firsts = (kind: "code" | "type") =>
    `(${firstsSql({ table: PRESENCE_TABLES[kind], columns: "key, inst", a, b, segment })})`;
  const label = (key: unknown) => labels.get(num(key))?.a ?? null;

  // a GROUP BY on one column runs on a perfect hash: two of them cost less than one on both columns
  const from = `FROM ${table} WHERE ${range}`;
  const byCodeRows = await rows(connection, `SELECT code_key, sum(occurrences) ${from} GROUP BY code_key`, params);
  const byTypeRows = await rows(connection, `SELECT type_key, sum(occurrences) ${from} GROUP BY type_key`, params);
  const installationsOf = async (kind: "code" | "type") =>
    new Map(
      (await rows(connection, countInstallations({ firsts: firsts(kind), multi: multi.segments }), params)).map(
        ([key, n]) => [num(key), num(n)],
      ),
    );
  const codeInstallations = await installationsOf("code");
  const typeInstallations = await installationsOf("type");
  const [[anyError]] = (await rows(connection, `SELECT count(DISTINCT inst) FROM ${firsts("code")}`, params)) as [
    [unknown],
  ];

  const out: ErrorsAggregate = {
    active: context.active,
    total: { occurrences: 0, installations: num(anyError) },
    codes: [],
    types: [],
    daily: [],
  };
  const byCode = new Map(byCodeRows.map(([key, n]) => [num(key), num(n)]));
  const byType = new Map(byTypeRows.map(([key, n]) => [num(key), num(n)]));
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
  if (top.length > 0) {
    const daily = await rows(
      connection,
      `SELECT day, code_key, sum(occurrences) FROM ${table}
       WHERE ${range} AND code_key IN (${top.join(", ")}) GROUP BY ALL ORDER BY 1, 2`,
      params,
    );
    out.daily = daily.map(([day, key, n]) => ({ day: dayMs(day), code: label(key), occurrences: num(n) }));
  }
  return out;
}
