/** The console's only stylesheet, inlined: no client JS, no external assets (CSP `default-src 'none'`). */
export const CONSOLE_CSS = `
:root { color-scheme: light dark; --fg:#1b1f24; --muted:#5b6470; --bg:#fff; --card:#f6f7f9; --line:#d9dde3;
  --ok:#1a7f37; --warn:#9a6700; --bad:#cf222e; --accent:#0969da; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#9aa4af; --bg:#0d1117; --card:#161b22;
  --line:#30363d; --ok:#3fb950; --warn:#d29922; --bad:#f85149; --accent:#58a6ff; } }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; padding:.6rem 1rem; border-bottom:1px solid var(--line); }
header .brand { font-weight:700; margin-right:auto; }
header nav { display:flex; gap:.9rem; flex-wrap:wrap; }
header form { margin:0; }
main { padding:1rem; max-width:60rem; margin:0 auto; }
a { color:var(--accent); }
h1 { font-size:1.3rem; margin:.2rem 0 1rem; } h2 { font-size:1.05rem; margin:1.4rem 0 .6rem; }
.chips { display:flex; flex-wrap:wrap; gap:.4rem; margin-bottom:1rem; padding:0; list-style:none; }
.chip { display:inline-block; padding:.3rem .7rem; border:1px solid var(--line); border-radius:999px; text-decoration:none; color:var(--fg); }
.chip[aria-current="page"] { background:var(--accent); border-color:var(--accent); color:#fff; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.7rem .9rem; margin-bottom:.7rem; }
.card h3 { margin:0 0 .35rem; font-size:1rem; display:flex; flex-wrap:wrap; gap:.4rem; align-items:baseline; }
.meta { color:var(--muted); font-size:.85rem; }
.badge { display:inline-block; padding:0 .45rem; border-radius:4px; font-size:.8rem; border:1px solid currentColor; }
.ok { color:var(--ok); } .warn { color:var(--warn); } .bad { color:var(--bad); } .muted { color:var(--muted); }
dl.kv { display:grid; grid-template-columns:max-content 1fr; gap:.15rem .8rem; margin:.4rem 0; }
dl.kv dt { color:var(--muted); } dl.kv dd { margin:0; overflow-wrap:anywhere; }
pre { white-space:pre-wrap; overflow-wrap:anywhere; background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:.5rem; margin:.4rem 0; font-size:.85rem; }
table { border-collapse:collapse; width:100%; font-size:.9rem; } th, td { text-align:left; padding:.3rem .4rem; border-bottom:1px solid var(--line); vertical-align:top; }
table.machine-states { table-layout:fixed; } table.machine-states td { overflow-wrap:anywhere; } table.machine-states th:first-child { width:6.5rem; }
.scroll { overflow-x:auto; }
form.inline { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; }
input, button { font:inherit; padding:.45rem .6rem; border:1px solid var(--line); border-radius:6px; background:var(--bg); color:var(--fg); }
button { cursor:pointer; background:var(--accent); color:#fff; border-color:var(--accent); }
button.link { background:none; color:var(--accent); border:none; padding:0; text-decoration:underline; }
.error { border-color:var(--bad); }
.pager { margin-top:1rem; }
ol.timeline { list-style:none; padding:0; margin:0; }
/* Status over time (strips, incident lives): server-drawn SVG, stretched to the width. */
svg.timeline { display:block; width:100%; margin:.35rem 0 .15rem; overflow:visible; }
.s-healthy { fill:var(--ok); } .s-unhealthy { fill:var(--bad); stroke:var(--bad); stroke-width:2px; }
.s-error { fill:var(--warn); stroke:var(--warn); stroke-width:1px; } .s-skipped, .s-unknown { fill:var(--line); }
line.mark { stroke-width:2px; } .m-wake { stroke:var(--fg); } .m-fix { stroke:var(--accent); stroke-width:3px; }
.m-refailure { stroke:var(--bad); stroke-dasharray:3 2; } .m-escalated { stroke:var(--warn); stroke-width:3px; }
.m-resolved { stroke:var(--ok); stroke-width:3px; }
.legend { display:flex; flex-wrap:wrap; gap:.2rem .9rem; list-style:none; padding:0; margin:.2rem 0 .6rem; font-size:.8rem; color:var(--muted); }
.swatch { display:inline-block; width:.9rem; height:.65rem; border-radius:2px; vertical-align:baseline; }
.swatch.s-healthy { background:var(--ok); } .swatch.s-unhealthy { background:var(--bad); }
.swatch.s-error { background:var(--warn); } .swatch.s-unknown { background:var(--line); }
.tick { display:inline-block; width:3px; height:.8rem; vertical-align:middle; }
.tick.m-wake { background:var(--fg); } .tick.m-fix { background:var(--accent); } .tick.m-refailure { background:var(--bad); }
.tick.m-escalated { background:var(--warn); } .tick.m-resolved { background:var(--ok); }
p.axis { display:flex; justify-content:space-between; margin:0; font-size:.75rem; color:var(--muted); }
.strip h3 .uptime { font-weight:400; }
details.changes ul, details.changes ol { margin:.3rem 0; padding-left:1.2rem; font-size:.85rem; }
/* On a phone, wide tables become one block per row, each cell labelled. */
@media (max-width: 40rem) {
  table.stack thead { display:none; }
  table.stack tr { display:block; border-bottom:1px solid var(--line); padding:.35rem 0; }
  table.stack td { display:flex; gap:.6rem; border:none; padding:.05rem .2rem; overflow-wrap:anywhere; }
  table.stack td::before { content:attr(data-label); color:var(--muted); flex:0 0 8.5rem; }
}
@media (max-width: 34rem) { dl.kv { grid-template-columns:1fr; } dl.kv dd { margin-bottom:.3rem; } main { padding:.7rem; } }
`;
