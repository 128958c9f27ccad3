/**
 * The whole stylesheet, hand-written (no framework): legible on a modest office PC and on a phone,
 * system fonts that carry Vietnamese diacritics (Segoe UI on Windows, Noto/DejaVu on Linux, SF on
 * Apple), AA contrast, visible focus, print-friendly. Served as one immutable, hashed file.
 * Kept as a TypeScript string so the app needs no file system (it also runs on Workers).
 */
export const STYLES = `
:root {
  --font: "Segoe UI", system-ui, -apple-system, "Noto Sans", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif;
  --mono: "Cascadia Mono", Consolas, "Liberation Mono", "DejaVu Sans Mono", ui-monospace, monospace;
  /* For text that may be Vietnamese (the JSON editors): DejaVu and Liberation Mono lack the stacked
     diacritics (ồ, ố, ể, ỗ render as ô + a loose mark on lang="vi" pages), so only fonts known to carry
     them, then the sans-serif stack — legible beats monospaced. */
  --mono-vi: "Cascadia Mono", Consolas, "Noto Sans Mono", "Segoe UI", system-ui, "Noto Sans", "DejaVu Sans", sans-serif;
  --text: #17212b;
  --muted: #4a5565;
  --bg: #f3f5f8;
  --surface: #ffffff;
  --border: #cfd6df;
  --border-strong: #9aa5b3;
  --primary: #0b57a4;
  --primary-hover: #08457f;
  --primary-soft: #e6eef8;
  --header: #0a3d6e;
  --header-text: #ffffff;
  --ok: #05603a;
  --ok-soft: #e3f4ea;
  --warn: #8a3a00;
  --warn-soft: #fdf0e1;
  --danger: #a4161a;
  --danger-soft: #fde8e8;
  --info: #1849a9;
  --info-soft: #e8effc;
  --neutral-soft: #eceff3;
  --radius: 6px;
  --focus: 3px solid #f0b400;
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; font-family: var(--font); font-size: 1rem; line-height: 1.55; color: var(--text);
  background: var(--bg); min-height: 100vh; display: flex; flex-direction: column;
}
a { color: var(--primary); text-underline-offset: 2px; }
a:hover { color: var(--primary-hover); }
:focus-visible { outline: var(--focus); outline-offset: 2px; }
h1, h2, h3 { line-height: 1.3; margin: 0 0 .5rem; }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.2rem; margin-top: 1.5rem; }
h3 { font-size: 1.05rem; }
p { margin: 0 0 .75rem; }
code, .mono { font-family: var(--mono); font-size: .92em; }
.muted { color: var(--muted); }
.small { font-size: .875rem; }
.nowrap { white-space: nowrap; }
.visually-hidden {
  position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; border: 0; padding: 0; margin: -1px;
}
.skip-link { position: absolute; left: .5rem; top: -3rem; background: #fff; color: var(--text); padding: .5rem .75rem; z-index: 10; border-radius: var(--radius); }
.skip-link:focus { top: .5rem; }

/* ---- header ---- */
.topbar { background: var(--header); color: var(--header-text); }
.topbar a { color: var(--header-text); }
.topbar-inner {
  max-width: 76rem; margin: 0 auto; padding: .5rem 1rem; display: flex; flex-wrap: wrap;
  align-items: center; gap: .25rem 1.25rem;
}
.brand { font-weight: 700; font-size: 1.1rem; text-decoration: none; white-space: nowrap; padding: .35rem 0; }
.brand small { display: block; font-weight: 400; font-size: .75rem; opacity: .85; }
.mainnav { flex: 1 1 auto; min-width: 0; }
.mainnav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: .25rem; overflow-x: auto; }
.mainnav a {
  display: block; padding: .45rem .75rem; border-radius: var(--radius); text-decoration: none; white-space: nowrap;
}
.mainnav a:hover { background: rgba(255,255,255,.12); }
.mainnav a[aria-current="page"] { background: #fff; color: var(--header); font-weight: 600; }
.userbox { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem .75rem; font-size: .9rem; margin-left: auto; }
.userbox .who { line-height: 1.25; max-width: 22rem; }
.userbox .who strong { display: block; }
.userbox .who span { opacity: .9; font-size: .82rem; }
.inline-form { display: inline; margin: 0; }
.langswitch { display: inline-flex; border: 1px solid rgba(255,255,255,.6); border-radius: var(--radius); overflow: hidden; margin: 0; padding: 0; min-width: 0; vertical-align: middle; }
.langswitch button {
  font: inherit; font-size: .82rem; background: transparent; color: var(--header-text); border: 0;
  padding: .3rem .55rem; cursor: pointer; min-height: 2rem;
}
.langswitch button[aria-pressed="true"] { background: #fff; color: var(--header); font-weight: 700; }
.btn-signout {
  font: inherit; font-size: .85rem; background: transparent; color: var(--header-text);
  border: 1px solid rgba(255,255,255,.6); border-radius: var(--radius); padding: .3rem .7rem; cursor: pointer; min-height: 2rem;
}
.btn-signout:hover, .langswitch button:hover { background: rgba(255,255,255,.15); }
.langswitch button[aria-pressed="true"]:hover { background: #fff; }

/* ---- header: account menu (a <details>, no script) ---- */
.usermenu { position: relative; }
.usermenu > summary {
  list-style: none; cursor: pointer; display: flex; align-items: center; gap: .4rem; padding: .2rem .4rem;
  border-radius: var(--radius); min-height: 2rem;
}
.usermenu > summary::-webkit-details-marker { display: none; }
.usermenu > summary::after { content: "▾"; font-size: .8rem; opacity: .9; }
.usermenu > summary:hover { background: rgba(255,255,255,.12); }
.usermenu[open] > summary { background: rgba(255,255,255,.18); }
.usermenu > ul {
  position: absolute; right: 0; top: calc(100% + .25rem); z-index: 20; list-style: none; margin: 0; padding: .35rem 0;
  min-width: 14rem; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius);
  box-shadow: 0 6px 18px rgba(10, 30, 60, .18);
}
.usermenu > ul a { display: block; padding: .5rem 1rem; color: var(--text); text-decoration: none; white-space: nowrap; }
.usermenu > ul a:hover, .usermenu > ul a[aria-current="page"] { background: var(--primary-soft); color: var(--primary-hover); }
.usermenu .who { display: block; }
.who-compact { white-space: nowrap; }

/* ---- page ---- */
main { flex: 1 0 auto; width: 100%; max-width: 76rem; margin: 0 auto; padding: 1.25rem 1rem 2rem; }
.page-head { display: flex; flex-wrap: wrap; align-items: flex-start; justify-content: space-between; gap: .75rem 1rem; margin-bottom: 1rem; }
.page-head h1 { margin: 0; overflow-wrap: anywhere; }
.page-head .lead { margin: .35rem 0 0; color: var(--muted); max-width: 48rem; }
.page-actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.subnav { border-bottom: 1px solid var(--border); margin: -.25rem 0 1.25rem; }
.subnav ul { list-style: none; margin: 0; padding: 0; display: flex; gap: .25rem; overflow-x: auto; }
.subnav a { display: block; padding: .5rem .85rem; text-decoration: none; color: var(--muted); border-bottom: 3px solid transparent; white-space: nowrap; }
.subnav a[aria-current="page"] { color: var(--text); border-bottom-color: var(--primary); font-weight: 600; }
.breadcrumbs { font-size: .9rem; margin-bottom: .5rem; }
.breadcrumbs ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
.breadcrumbs li + li::before { content: "›"; color: var(--muted); margin-right: .25rem; }
footer.site { color: var(--muted); font-size: .82rem; text-align: center; padding: 1rem; border-top: 1px solid var(--border); background: var(--surface); }

.card { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: 1rem 1.25rem; margin-bottom: 1rem; }
.card > h2:first-child, .card > h3:first-child { margin-top: 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); margin-bottom: 1rem; }
.grid > .card, .grid > * > .card { margin-bottom: 0; height: 100%; }
.stat { display: flex; flex-direction: column; gap: .15rem; }
.stat .value { font-size: 1.9rem; font-weight: 700; line-height: 1.1; }
.stat .label { color: var(--muted); }
.stat-attention { border-color: var(--warn); border-left-width: 5px; }
.stat ul.plain li { display: flex; flex-wrap: wrap; gap: 0 .5rem; justify-content: space-between; }
.stat ul { margin: .25rem 0 0; padding-left: 1.1rem; color: var(--muted); font-size: .9rem; }
dl.facts { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .35rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li { padding: .35rem 0; border-bottom: 1px solid var(--neutral-soft); }
ul.plain li:last-child { border-bottom: 0; }
ul.actions { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }

/* ---- flash and notices ---- */
.flash { border: 1px solid; border-left-width: 5px; border-radius: var(--radius); padding: .7rem 1rem; margin-bottom: 1rem; }
.flash-success { background: var(--ok-soft); border-color: var(--ok); }
.flash-info { background: var(--info-soft); border-color: var(--info); }
.flash-error { background: var(--danger-soft); border-color: var(--danger); }
.flash-warn { background: var(--warn-soft); border-color: var(--warn); }
.flash p:last-child { margin: 0; }
.empty { margin-bottom: 1rem; text-align: center; padding: 2rem 1rem; color: var(--muted); border: 1px dashed var(--border-strong); border-radius: var(--radius); background: var(--surface); }
.empty p { max-width: 40rem; margin: 0 auto .75rem; }

/* ---- badges ---- */
.badge {
  display: inline-block; font-size: .8rem; font-weight: 600; line-height: 1.3; padding: .1rem .5rem;
  border-radius: 999px; border: 1px solid transparent; white-space: nowrap; vertical-align: baseline;
}
.badge-ok { background: var(--ok-soft); color: var(--ok); border-color: #9fd5b5; }
.badge-warn { background: var(--warn-soft); color: var(--warn); border-color: #f0c08d; }
.badge-danger { background: var(--danger-soft); color: var(--danger); border-color: #f3a5a5; }
.badge-info { background: var(--info-soft); color: var(--info); border-color: #a8c1ef; }
.badge-neutral { background: var(--neutral-soft); color: var(--muted); border-color: var(--border); }
.badges { display: flex; flex-wrap: wrap; gap: .25rem; }

/* ---- tables ---- */
.table-wrap { margin-bottom: 1rem; background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); overflow: hidden; }
table.data { width: 100%; border-collapse: collapse; }
table.data caption { text-align: left; padding: .6rem .85rem; font-weight: 600; border-bottom: 1px solid var(--border); }
table.data th, table.data td { padding: .55rem .85rem; text-align: left; vertical-align: top; border-bottom: 1px solid var(--neutral-soft); }
table.data th { background: #e9eef4; font-size: .85rem; font-weight: 600; color: #2b3644; white-space: nowrap; }
table.data tbody tr:last-child td { border-bottom: 0; }
table.data tbody tr:hover { background: #f8fafc; }
table.data td.wrap { overflow-wrap: anywhere; min-width: 12rem; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tree-name { display: flex; align-items: baseline; gap: .5rem; }
.tree-name .indent { color: var(--border-strong); }
.pager { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem; padding: .6rem .85rem; border-top: 1px solid var(--border); background: #fafbfc; font-size: .9rem; }
.pager .links { display: flex; gap: .5rem; margin-left: auto; }

/* ---- forms ---- */
form.stack { display: flex; flex-direction: column; gap: 1rem; max-width: 40rem; }
.field { display: flex; flex-direction: column; gap: .25rem; }
.field label, .field .label { font-weight: 600; }
.field .hint, p.hint { color: var(--muted); font-size: .875rem; }
.field .error { color: var(--danger); font-size: .9rem; font-weight: 600; }
.field .error::before { content: "⚠ "; }
.opt { font-weight: 400; color: var(--muted); font-size: .875rem; }
input[type="text"], input[type="password"], input[type="number"], input[type="search"], input[type="date"], select, textarea {
  font: inherit; color: inherit; width: 100%; max-width: 32rem; padding: .5rem .65rem; min-height: 2.6rem;
  border: 1px solid var(--border-strong); border-radius: var(--radius); background: #fff;
}
input[aria-invalid="true"], select[aria-invalid="true"] { border-color: var(--danger); border-width: 2px; background: #fffafa; }
fieldset { border: 1px solid var(--border); border-radius: var(--radius); padding: .75rem 1rem 1rem; margin: 0; }
legend { font-weight: 600; padding: 0 .35rem; }
.row { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-end; }
.row > .field { flex: 1 1 12rem; }
fieldset .row + .row { margin-top: .75rem; }
.form-summary { border: 2px solid var(--danger); background: var(--danger-soft); border-radius: var(--radius); padding: .75rem 1rem; }
.form-summary p { margin: 0; }
.form-summary p + p { margin-top: .35rem; }
.form-actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin-bottom: 1rem; }
.search .field { flex: 1 1 12rem; max-width: 32rem; }

.btn {
  display: inline-flex; align-items: center; justify-content: center; gap: .35rem; font: inherit; font-weight: 600;
  padding: .5rem 1rem; min-height: 2.6rem; border-radius: var(--radius); border: 1px solid var(--primary);
  background: var(--primary); color: #fff; text-decoration: none; cursor: pointer; white-space: nowrap;
}
.btn:hover { background: var(--primary-hover); color: #fff; }
.btn-secondary { background: #fff; color: var(--primary); }
.btn-secondary:hover { background: var(--primary-soft); color: var(--primary-hover); }
.btn-small { padding: .25rem .6rem; min-height: 2rem; font-size: .875rem; }

tr.row-disabled td { color: var(--muted); }
tr.row-disabled td.primary a { color: var(--muted); }
.danger-zone { border-color: var(--danger); }
a.danger-link { color: var(--danger); }
ul.unit-actions { margin-top: .85rem; padding-top: .6rem; border-top: 1px solid var(--neutral-soft); gap: .5rem 1.25rem; }
.danger-zone h2 { color: var(--danger); }
ul.blockers { margin: .25rem 0 .75rem; padding-left: 1.25rem; }
ul.blockers li { margin: .15rem 0; }
.check-field label { display: flex; gap: .5rem; align-items: center; font-weight: 400; }

/* ---- one-time secret ---- */
.secret { border: 2px solid var(--warn); background: var(--warn-soft); border-radius: var(--radius); padding: 1rem 1.25rem; margin-bottom: 1rem; }
.secret h2 { margin-top: 0; }
.copybox { display: flex; flex-wrap: wrap; gap: .5rem; align-items: stretch; margin: .25rem 0 .75rem; }
.copybox pre {
  flex: 1 1 20rem; margin: 0; padding: .6rem .75rem; background: #fff; border: 1px solid var(--border-strong);
  border-radius: var(--radius); font-family: var(--mono); font-size: .9rem; white-space: pre-wrap; overflow-wrap: anywhere;
}
.copy-status { font-size: .85rem; color: var(--ok); min-height: 1.2em; margin-bottom: .5rem; }

/* ---- sign-in ---- */
.auth-page { display: flex; justify-content: center; padding-top: 2rem; }
.auth-card { width: 100%; max-width: 26rem; }
.auth-card h1 { font-size: 1.45rem; }
.auth-card form + p { margin-top: 1rem; }

/* ---- time ---- */
.countdown-overdue { color: var(--danger); font-weight: 700; }
.countdown-soon { color: var(--warn); font-weight: 600; }


/* ---- header: notifications ---- */
.bell { text-decoration: none; border: 1px solid rgba(255,255,255,.6); border-radius: var(--radius); padding: .3rem .6rem; font-size: .85rem; white-space: nowrap; min-height: 2rem; display: inline-flex; align-items: center; }
.bell:hover { background: rgba(255,255,255,.15); }
.bell-unread { background: #f0b400; color: #1d1d1d !important; border-color: #f0b400; font-weight: 700; }
.bell-unread:hover { background: #ffd04d; }

/* ---- lists: filters and figures ---- */
.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-end; padding: .85rem 1rem; }
.filters .field { flex: 1 1 11rem; min-width: 0; }
.filters .field input, .filters .field select { max-width: none; }
.filters .field.check { flex: 1 1 100%; }
.filters .field.check label { font-weight: 400; display: flex; gap: .5rem; align-items: center; }
.filters .form-actions { flex: 0 0 auto; }
input[type="checkbox"] { width: 1.15rem; height: 1.15rem; margin: 0; accent-color: var(--primary); }
.stats { display: flex; flex-wrap: wrap; gap: .75rem; margin-bottom: 1rem; }
.stat-inline { background: var(--surface); border: 1px solid var(--border); border-radius: var(--radius); padding: .5rem 1rem; display: flex; align-items: baseline; gap: .5rem; }
.stat-inline .value { font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.stat-inline .label { color: var(--muted); }
.stat-danger { border-color: var(--danger); background: var(--danger-soft); }
.stat-danger .value { color: var(--danger); }
.deadline { display: flex; flex-direction: column; align-items: flex-start; gap: .1rem; }
table.data.compact th, table.data.compact td { padding: .35rem .6rem; }

/* ---- ticket page ---- */
.ticket-layout { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
.ticket-layout > * > .card:last-child { margin-bottom: 0; }
@media (min-width: 60rem) {
  .ticket-layout { grid-template-columns: minmax(0, 1fr) 22rem; align-items: start; }
  .ticket-side { grid-column: 2; grid-row: 1; position: sticky; top: .5rem; }
  .ticket-main { grid-column: 1; grid-row: 1; }
}
.ticket-main .card, .ticket-side .card { margin-bottom: 1rem; }
dl.facts.facts-tight { grid-template-columns: minmax(7rem, max-content) 1fr; gap: .3rem .75rem; }
.money { font-size: 1.15rem; font-variant-numeric: tabular-nums; }
.pre { white-space: pre-wrap; overflow-wrap: anywhere; }
pre.json { background: #f7f9fb; border: 1px solid var(--border); border-radius: var(--radius); padding: .6rem .75rem; overflow: auto; max-height: 24rem; font-family: var(--mono-vi); font-size: .85rem; white-space: pre-wrap; overflow-wrap: anywhere; }
blockquote { margin: .35rem 0 0; padding: .35rem .75rem; border-left: 3px solid var(--border-strong); background: #f7f9fb; white-space: pre-wrap; overflow-wrap: anywhere; }
.action-form { padding-top: .75rem; border-top: 1px solid var(--neutral-soft); margin-top: .75rem; }
.actions-card h2 + .action-form { border-top: 0; margin-top: 0; padding-top: 0; }
.action-form h3 { margin-bottom: .25rem; }
form.stack.action-form { gap: .6rem; max-width: none; }
.assign-row { display: flex; flex-wrap: wrap; gap: .75rem 1.25rem; align-items: flex-end; }
.assign-form { flex: 1 1 18rem; }
.assign-form .field { flex: 1 1 12rem; }
textarea { font: inherit; color: inherit; width: 100%; max-width: 40rem; padding: .5rem .65rem; border: 1px solid var(--border-strong); border-radius: var(--radius); background: #fff; resize: vertical; }
textarea[aria-invalid="true"] { border-color: var(--danger); border-width: 2px; }
.btn-danger { background: #fff; color: var(--danger); border-color: var(--danger); }
.btn-danger:hover { background: var(--danger-soft); color: var(--danger); }
ol.chain { list-style: none; margin: 0 0 .75rem; padding: 0; }
ol.chain li { border-left: 4px solid var(--border); padding: .4rem .75rem; margin-bottom: .5rem; background: #fafbfc; border-radius: 0 var(--radius) var(--radius) 0; }
ol.chain li.chain-approve { border-left-color: var(--ok); }
ol.chain li.chain-reject { border-left-color: var(--danger); }
ol.chain li.chain-current { border-left-color: var(--warn); background: var(--warn-soft); }
.chain-head { margin-bottom: .2rem; }
ol.timeline { list-style: none; margin: 0 0 .75rem; padding: 0 0 0 1rem; border-left: 2px solid var(--border); }
ol.timeline li { position: relative; padding: 0 0 .85rem .5rem; }
ol.timeline li::before { content: ""; position: absolute; left: -1.4rem; top: .45rem; width: .7rem; height: .7rem; border-radius: 50%; background: var(--surface); border: 2px solid var(--primary); }
.tl-head { display: flex; flex-wrap: wrap; gap: 0 .35rem; align-items: baseline; }
.tl-time { margin-left: auto; color: var(--muted); font-size: .875rem; }
.tl-details { color: var(--text); font-size: .95rem; }
svg.chart { display: block; width: 100%; max-width: 100%; height: auto; margin: .5rem 0 1rem; background: #fff; }


/* ---- approvals inbox ---- */
.inbox-item { border-left: 4px solid var(--warn); }
.inbox-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem 1rem; align-items: flex-start; }
.inbox-head h2 { margin: 0; font-size: 1.1rem; overflow-wrap: anywhere; flex: 1 1 18rem; }
.inbox-cost { text-align: right; display: flex; flex-direction: column; }
.inbox-cost .label { color: var(--muted); font-size: .85rem; }
.inbox-cost .money { font-size: 1.35rem; }
details.explain { margin: .5rem 0 .75rem; }
details.explain summary { cursor: pointer; color: var(--primary); }
details.explain p { margin: .5rem 0 0; }
form.decide { max-width: none; gap: .6rem; margin-top: .5rem; }

/* ---- notifications ---- */
ul.notes { list-style: none; margin: 0; padding: 0; }
ul.notes li { display: flex; gap: .75rem; align-items: flex-start; justify-content: space-between; padding: .65rem .85rem; border-bottom: 1px solid var(--neutral-soft); }
ul.notes li.note-unread { background: #fffaf0; }
.note-text { overflow-wrap: anywhere; }


/* ---- maintenance matrix ---- */
.grid-scroll { overflow-x: auto; margin-bottom: 1rem; border: 1px solid var(--border); border-radius: var(--radius); background: var(--surface); }
table.mgrid { border-collapse: collapse; width: 100%; min-width: 44rem; font-size: .875rem; }
table.mgrid th, table.mgrid td { border: 1px solid var(--neutral-soft); padding: .35rem .5rem; vertical-align: top; text-align: left; }
table.mgrid thead th { background: #e9eef4; font-weight: 600; }
table.mgrid .band-range { display: block; font-weight: 400; color: var(--muted); font-size: .8rem; }
table.mgrid th.cat { background: #f4f6f9; width: 8rem; }
table.mgrid th.sev { background: #fafbfc; font-weight: 500; width: 7rem; white-space: nowrap; }
table.mgrid tr.cat-first > * { border-top: 2px solid var(--border-strong); }
td.mcell { min-width: 9rem; }
td.mcell > * { display: block; }
td.mcell a { overflow-wrap: anywhere; }
.mcell-a0 { background: #fff; }
.mcell-a1 { background: #f1f6fd; }
.mcell-a2 { background: #e3edf9; }
.mcell-a3 { background: #d3e2f5; }
.mcell-gap { background: var(--danger-soft); color: var(--danger); outline: 2px solid var(--danger); outline-offset: -2px; }
.mcell-overlap { background: var(--warn-soft); color: var(--warn); outline: 2px solid var(--warn); outline-offset: -2px; }
ul.cells { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .35rem; }
ul.cells li { padding: .2rem .55rem; border-radius: var(--radius); font-size: .875rem; }
textarea.code { font-family: var(--mono-vi); font-size: .85rem; max-width: none; line-height: 1.4; white-space: pre; overflow: auto; }
form.stack.wide { max-width: none; }
ol.inline-list { margin: 0; padding-left: 1.25rem; }
.rules { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); }
.rules .card { margin-bottom: 0; }
.rules h2 { font-size: 1rem; overflow-wrap: anywhere; }
:target { scroll-margin-top: 1rem; }
article.rule:target { outline: 3px solid #f0b400; }
.diff-old { background: #fff1f1; }
.diff-new { background: #eefaf2; }
.explain-text { color: var(--muted); margin-top: .75rem; }


/* ---- fleet ---- */
.section-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: .25rem 1rem; }
.section-head h2 { margin-bottom: .5rem; }
.health { gap: .25rem .6rem; }
.readings { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); margin-bottom: 1rem; }
.readings h3 { margin-bottom: .35rem; }
.hb { white-space: nowrap; font-size: .9rem; }
.hb strong { font-variant-numeric: tabular-nums; }
.hb-silent { color: var(--danger); }
.hb-degraded { color: var(--warn); }
.hb-maintenance { color: var(--muted); }
.hb-ok { color: var(--ok); }
.stat-silent .value { color: var(--danger); }
.stat-degraded .value { color: var(--warn); }
.stat-ok .value { color: var(--ok); }
.stat-maintenance .value { color: var(--muted); }
table.plain-table { border: 1px solid var(--border); border-radius: var(--radius); }
ul.expected li { display: flex; flex-wrap: wrap; gap: .35rem; align-items: baseline; }
li.exp-missing { background: var(--danger-soft); padding-left: .5rem; }
.checks { display: flex; flex-wrap: wrap; gap: .35rem 1rem; }
.checks label { display: inline-flex; gap: .35rem; align-items: center; font-weight: 400; }
input[type="datetime-local"] { font: inherit; color: inherit; width: 100%; max-width: 32rem; padding: .5rem .65rem; min-height: 2.6rem; border: 1px solid var(--border-strong); border-radius: var(--radius); background: #fff; }

/* ---- phones: stack table rows as cards ---- */
@media (max-width: 47.99rem) {
  h1 { font-size: 1.35rem; }
  main { padding: 1rem .75rem 1.5rem; }
  .topbar-inner { padding: .4rem .75rem; gap: .25rem .75rem; }
  .mainnav { order: 3; flex-basis: 100%; }
  .mainnav ul { flex-wrap: wrap; }
  .mainnav a { padding: .35rem .6rem; }
  .filters .field { flex: 1 1 9rem; }
  .stats { gap: .5rem; }
  .stat-inline { padding: .35rem .75rem; }
  .stat-inline .value { font-size: 1.25rem; }
  .rules { grid-template-columns: minmax(0, 1fr); }
  .inbox-cost { text-align: left; }
  .userbox { margin-left: auto; }
  .userbox .who { display: none; }
  /* On a phone the menu sits at the left of its line: open it rightwards, inside the screen. */
  .usermenu > ul { right: auto; left: 0; max-width: calc(100vw - 1.5rem); }
  table.data.stack td:empty { display: none; }
  .brand small { display: none; }
  .subnav ul { flex-wrap: wrap; }
  .subnav a { padding: .4rem .6rem; }
  .breadcrumbs li:last-child { display: none; }
  table.data.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.data.stack, table.data.stack tbody, table.data.stack tr, table.data.stack td { display: block; width: 100%; }
  table.data.stack tr { border-bottom: 1px solid var(--border); padding: .4rem 0; }
  table.data.stack td { border: 0; padding: .15rem .85rem; min-width: 0; }
  /* After the row's title, the other cells flow on one or two lines rather than one line each. */
  table.data.stack td:not(.primary) { display: inline-block; width: auto; padding-right: 0; }
  table.data.stack td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85rem; }
  table.data.stack td.primary::before { content: none; }
  table.data.stack td.primary { font-weight: 600; }
  table.data.stack td.num { text-align: left; }
  dl.facts { grid-template-columns: 1fr; gap: 0 0; }
  dl.facts dd { margin-bottom: .5rem; }
}
@media (min-width: 48rem) {
  .who-compact { display: none; }
}

/* ---- print: content only ---- */
@media print {
  body { background: #fff; color: #000; display: block; }
  .topbar, .subnav, footer.site, .page-actions, .pager, form, .btn, .skip-link, [data-copy] { display: none !important; }
  main { max-width: none; padding: 0; }
  .card, .table-wrap { border-color: #999; break-inside: avoid; }
  a { color: #000; text-decoration: none; }
  .badge { border-color: #666; background: #fff; color: #000; }
}
`;
