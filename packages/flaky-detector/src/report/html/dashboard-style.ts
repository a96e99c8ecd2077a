/** The dashboard's stylesheet, inlined in its `<style>` element. */
export const DASHBOARD_STYLE = `
:root { --pass: #2da44e; --fail: #cf222e; --flaky: #d4a72c; --skip: #8c959f; --none: #eaeef2; --ink: #1f2328; --muted: #656d76; --line: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f8fa; }
header { padding: 16px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 20px; }
main { padding: 16px 24px; display: grid; gap: 16px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; overflow-x: auto; }
section h2 { margin: 0 0 8px; font-size: 16px; }
.muted { color: var(--muted); }
.totals { display: flex; flex-wrap: wrap; gap: 16px; margin-top: 8px; }
.totals div { min-width: 120px; }
.totals strong { display: block; font-size: 20px; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; position: sticky; top: 0; z-index: 1; }
.filters input, .filters select { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; }
.filters input { min-width: 280px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; }
svg text { font: 11px system-ui, sans-serif; fill: var(--muted); }
.axis { stroke: var(--line); }
.line { fill: none; stroke: var(--pass); stroke-width: 1.5; }
.bar { fill: #54aeff; }
.bar.failed { fill: var(--fail); }
.cell-p { fill: var(--pass); } .cell-f { fill: var(--fail); } .cell-k { fill: var(--flaky); } .cell-s { fill: var(--skip); } .cell-n { fill: var(--none); }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; vertical-align: middle; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.expired td { background: #ffebe9; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; background: var(--none); }
.badge.flaky { background: #fff8c5; } .badge.broken { background: #ffebe9; } .badge.fixed, .badge.stable { background: #dafbe1; }
.pager { display: flex; gap: 8px; align-items: center; margin-top: 8px; }
.pager button { font: inherit; padding: 2px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
.pager button:disabled { opacity: .4; cursor: default; }
.name { word-break: break-word; }
`;
