/**
 * Errors: occurrences per code and per type from dash_errors (one pass with
 * GROUPING SETS), installations per code and per type from their presence
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

  const sums = await rows(
    connection,
    `SELECT type_key, code_key, sum(occurrences) FROM ${table} WHERE ${range} GROUP BY GROUPING SETS ((type_key), (code_key))`,
    params,
  );
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
  for (const [typeKey, codeKey, occurrences] of sums) {
    if (typeKey === null) {
      out.codes.push({
        code: label(codeKey),
        occurrences: num(occurrences),
        installations: codeInstallations.get(num(codeKey)) ?? 0,
      });
      out.total.occurrences += num(occurrences);
    } else {
      out.types.push({
        type: label(typeKey),
        occurrences: num(occurrences),
        installations: typeInstallations.get(num(typeKey)) ?? 0,
      });
    }
  }
  out.codes.sort((x, y) => y.occurrences - x.occurrences || String(x.code).localeCompare(String(y.code)));
  out.types.sort((x, y) => y.occurrences - x.occurrences || String(x.type).localeCompare(String(y.type)));

  // the daily series of the most frequent codes
  const byLabel = new Map([...sums].filter(([t]) => t === null).map(([, key]) => [label(key), num(key)]));
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
