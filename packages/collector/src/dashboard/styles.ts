/** The dashboard's stylesheet, served as /dashboard/dashboard.css. */
export const STYLES = `
:root { --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --card: #fff; --accent: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: baseline; gap: 1rem; flex-wrap: wrap; padding: 1rem 1.5rem 0.25rem; }
h1 { font-size: 1.25rem; margin: 0; }
h2 { font-size: 1.05rem; margin: 0 0 0.75rem; }
h3 { font-size: 0.85rem; margin: 0 0 0.4rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.range-label { color: var(--muted); margin: 0; }
.badge { margin: 0; padding: 0.1rem 0.6rem; border-radius: 999px; background: #fef3c7; color: #92400e; font-size: 0.8rem; }
form.filters { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: flex-end; padding: 0.5rem 1.5rem 1rem; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 0.4rem 0.75rem 0.6rem; margin: 0; display: flex; gap: 0.6rem; flex-wrap: wrap; align-items: flex-end; background: var(--card); }
legend { color: var(--muted); font-size: 0.75rem; padding: 0 0.25rem; }
label { display: flex; flex-direction: column; font-size: 0.75rem; color: var(--muted); gap: 0.15rem; }
input, select, button { font: inherit; color: var(--fg); padding: 0.3rem 0.45rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; padding: 0.35rem 1rem; }
.actions { display: flex; gap: 0.75rem; align-items: center; }
.presets { display: flex; gap: 0.5rem; font-size: 0.8rem; padding-bottom: 0.35rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
main { display: grid; gap: 1rem; padding: 0 1.5rem 1.5rem; }
.panel, .notice { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; }
.notice { max-width: 60rem; }
.notice code { background: #f1f5f9; padding: 0.05rem 0.3rem; border-radius: 4px; }
.tiles { display: flex; gap: 1rem; flex-wrap: wrap; margin-bottom: 0.75rem; }
.tile { min-width: 9rem; padding: 0.5rem 0.75rem; border: 1px solid var(--line); border-radius: 8px; }
.tile-value { font-size: 1.4rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile-label { color: var(--muted); font-size: 0.8rem; }
.tile-note { color: var(--muted); font-size: 0.7rem; }
.chart { position: relative; height: 220px; margin: 0.5rem 0 0.75rem; }
.grid { display: grid; gap: 1rem 1.5rem; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); }
.grid.two { grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); align-items: start; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 0.25rem 0.5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
thead th { color: var(--muted); font-weight: 500; font-size: 0.75rem; }
tbody th { font-weight: 500; }
td.num { text-align: right; white-space: nowrap; }
td.bar-cell { width: 45%; position: relative; text-align: right; white-space: nowrap; }
.bar { position: absolute; left: 0.5rem; top: 50%; height: 0.55rem; transform: translateY(-50%); background: #bfdbfe; border-radius: 3px; max-width: calc(100% - 4.5rem); }
td.bar-cell [data-stat] { position: relative; }
table.compact { width: auto; font-size: 0.8rem; }
table.routes code, table code { font-size: 0.8rem; }
.note { color: var(--muted); font-size: 0.8rem; margin: 0.25rem 0 0.75rem; }
.empty { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 0.8rem; padding: 0 1.5rem 1.5rem; }
`;
