/**
 * Keeping a chained table right as rows arrive. A chained table has one row
 * per member and day, linked to the member's neighbouring day: `prev` (the
 * presence tables, see rollup-schema.ts) or `next` (dash_inits, where the row
 * with `day < b AND next >= b` is a member's latest before b).
 *
 * New rows usually extend a member's chain at its end (today's data): a new
 * row needs the member's latest stored day as its `prev`, and with `next` that
 * stored row changes. Late data (a client that was offline, a clock that was
 * off) can land between two stored days, and then the stored row after it
 * changes too. Both cases are one recomputation over each touched member's
 * stored rows from its earliest new day on, plus its last stored day before
 * that (the anchor), with lag() or lead(). Only links that changed are
 * written back.
 *
 * Cost: finding anchors is one scan of the table's member and day columns
 * (the anchor can be any day back); the stored rows from the earliest new day
 * on are read through zone maps, since rows are appended in day order.
 */

export interface ChainSpec {
  /** The chained table. */
  table: string;
  /** The columns that identify a member, e.g. ["key", "inst", "seg"]. */
  member: readonly string[];
  /** A temp table with the new (member…, day, …values) rows, one per member and day. */
  source: string;
  link: "prev" | "next";
  /** Value columns copied from `source`; with values, a new row replaces a stored row of the same member and day. */
  values?: readonly string[];
}

const NONE = { prev: "'-infinity'::DATE", next: "'infinity'::DATE" };

/** Statements that fold `source` into `table`; run inside the catch-up transaction. */
export function chainMaintenanceSql(spec: ChainSpec): string[] {
  const m = spec.member.join(", ");
  const on = (l: string, r: string) => spec.member.map((c) => `${l}.${c} = ${r}.${c}`).join(" AND ");
  const values = spec.values ?? [];
  const link = spec.link;
  const window = `${link === "prev" ? "lag" : "lead"}(day) OVER (PARTITION BY ${m} ORDER BY day)`;
  const valueList = values.map((v) => `, ${v}`).join("");
  return [
    `CREATE OR REPLACE TEMP TABLE dash_pm AS SELECT ${m}, min(day) AS lo FROM ${spec.source} GROUP BY ALL`,
    // stored rows from each member's earliest new day on: recent, so zone maps skip the rest
    `CREATE OR REPLACE TEMP TABLE dash_pold AS
      SELECT ${spec.member.map((c) => `t.${c}`).join(", ")}, t.day, t.${link} AS old
      FROM ${spec.table} t JOIN dash_pm pm ON ${on("t", "pm")}
      WHERE t.day >= (SELECT min(lo) FROM dash_pm) AND t.day >= pm.lo`,
    `CREATE OR REPLACE TEMP TABLE dash_anchor AS
      SELECT ${spec.member.map((c) => `t.${c}`).join(", ")}, max(t.day) AS day
      FROM ${spec.table} t JOIN dash_pm pm ON ${on("t", "pm")}
      WHERE t.day < pm.lo GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE dash_chain AS
      WITH fresh AS (
        SELECT s.* FROM ${spec.source} s ${values.length ? "" : `ANTI JOIN dash_pold USING (${m}, day)`}
      ),
      linked AS (
        SELECT ${m}, day, old, 'stored' AS origin FROM dash_pold
          ${values.length ? `ANTI JOIN fresh USING (${m}, day)` : ""}
        UNION ALL SELECT ${m}, day, NULL, 'new' FROM fresh
        UNION ALL SELECT ${m}, day, NULL, 'anchor' FROM dash_anchor
      )
      SELECT ${m}, day, old, origin, coalesce(${window}, ${NONE[link]}) AS link FROM linked`,
    ...(values.length
      ? [
          `DELETE FROM ${spec.table} t USING ${spec.source} s
            WHERE ${on("t", "s")} AND t.day = s.day AND t.day >= (SELECT min(lo) FROM dash_pm)`,
        ]
      : []),
    `INSERT INTO ${spec.table} (day, ${m}${valueList}, ${link})
      SELECT c.day, ${spec.member.map((x) => `c.${x}`).join(", ")}${values.map((v) => `, s.${v}`).join("")}, c.link
      FROM dash_chain c ${values.length ? `JOIN ${spec.source} s ON ${on("c", "s")} AND c.day = s.day` : ""}
      WHERE c.origin = 'new' ORDER BY c.day`,
    // stored rows whose neighbour changed: after late data, and (with next) each anchor; an
    // anchor's prev never changes (nothing new precedes it), and the window cannot see it
    `UPDATE ${spec.table} t SET ${link} = c.link
      FROM (
        SELECT * FROM dash_chain
        WHERE ${link === "next" ? "origin <> 'new'" : "origin = 'stored'"} AND old IS DISTINCT FROM link
      ) c
      WHERE ${on("t", "c")} AND t.day = c.day`,
  ];
}
