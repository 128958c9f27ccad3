/**
 * The equipment pages' own stylesheet and script (the labels' print button, the standard editor's
 * per-block fields, the import page's upload), as strings (no file system: the UI also runs on
 * Workers), served like the app's assets under content-hashed, immutable URLs. Kept apart from
 * `styles.ts` / `script.ts` so the register can change without touching every page; the equipment
 * pages link the stylesheet themselves (`EquipmentStyles`), the labels, standard-editor and import
 * pages the script.
 *
 * The script carries no words: the page puts them on `#import` as `data-msg-*` templates (`{n}` is
 * the number), like the countdown words on `<body>`. Everything it shows goes in through
 * `textContent`, never as markup.
 */
import { Hono } from 'hono';

export const EQUIPMENT_STYLES = `
/* The hidden attribute wins over display rules (.btn, form.stack): what the script shows stays hidden without it. */
[hidden] { display: none !important; }
/* ---- equipment: figures ---- */
svg.meter { display: block; width: 100%; max-width: 18rem; height: .8rem; margin: .3rem 0 .35rem; }
.req-list { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); margin-bottom: 1rem; }
.req-list > .card { margin-bottom: 0; }
.req-list h3 { font-size: 1rem; overflow-wrap: anywhere; }
.req-figure { font-size: 1.15rem; font-weight: 700; font-variant-numeric: tabular-nums; margin: 0; }
.req-lacking { color: var(--danger); font-weight: 600; margin: 0; }
.req-list details { margin-top: .5rem; }
.req-list details summary { cursor: pointer; color: var(--primary); }
.req-list ul.plain li { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 .75rem; }
.legal { color: var(--muted); font-size: .85rem; margin: .35rem 0 0; }
.warranty-note { border-left: 5px solid var(--ok); background: var(--ok-soft); padding: .6rem .9rem; border-radius: var(--radius); margin: 0 0 1rem; }
.warranty-note.expired { border-left-color: var(--border-strong); background: var(--neutral-soft); }
.tl-note { color: var(--muted); font-size: .9rem; }
.asset-head { display: flex; flex-wrap: wrap; gap: .35rem .75rem; align-items: center; margin: -.5rem 0 1rem; }
.tag-text { font-family: var(--mono); font-weight: 700; white-space: nowrap; }

/* ---- equipment: the standard's editor ---- */
fieldset.req-row { margin-bottom: 1rem; background: var(--surface); }
fieldset.req-row .row + .row { margin-top: .75rem; }
fieldset.req-row.req-new { border-style: dashed; }
.row > .req-opt { flex: 1 1 12rem; display: flex; flex-direction: column; }

/* ---- equipment: import ---- */
.import-progress { margin: .75rem 0; }
.import-progress progress { width: 100%; max-width: 32rem; height: 1.1rem; display: block; }
.import-result { margin: .75rem 0; }

/* ---- equipment: the scan-to-report form (phone first) ---- */
.report-page { max-width: 34rem; margin: 0 auto; }
.report-page h1 { font-size: 1.4rem; }
.report-asset { margin-bottom: 1rem; }
.report-asset .tag-text { font-size: 1.05rem; }
form.report-form { max-width: none; }
form.report-form textarea { max-width: none; font-size: 1.05rem; }
.choices { display: flex; flex-direction: column; gap: .5rem; border: 0; padding: 0; margin: 0; }
.choices legend { padding: 0; margin-bottom: .35rem; }
label.choice {
  display: flex; gap: .75rem; align-items: center; padding: .8rem 1rem; min-height: 3.25rem; font-weight: 400;
  border: 2px solid var(--border); border-radius: var(--radius); background: var(--surface); cursor: pointer; font-size: 1.02rem;
}
label.choice:has(input:checked) { border-color: var(--primary); background: var(--primary-soft); font-weight: 600; }
label.choice input { width: 1.35rem; height: 1.35rem; flex: 0 0 auto; margin: 0; accent-color: var(--primary); }
.btn-big { width: 100%; min-height: 3.4rem; font-size: 1.15rem; }
.report-done h1 { color: var(--ok); }

/* ---- equipment: QR labels (3 × 8 on A4) ---- */
.label-sheet {
  display: grid; grid-template-columns: repeat(auto-fill, minmax(15.5rem, 1fr)); background: #fff;
  border: 1px solid var(--border); border-radius: var(--radius); margin-bottom: 1rem;
}
.qr-label {
  display: flex; gap: 2.5mm; align-items: center; padding: 2mm 3mm; min-height: 34mm; overflow: hidden;
  border: 1px dashed #b8c0cc; break-inside: avoid; color: #000; background: #fff;
}
.qr-label svg.qr { width: 27mm; height: 27mm; flex: 0 0 27mm; }
.qr-label .qr-text { display: flex; flex-direction: column; gap: .6mm; min-width: 0; line-height: 1.2; }
.qr-label .tag-text { font-size: 11pt; white-space: normal; overflow-wrap: anywhere; }
.qr-label .qr-name { font-size: 8.5pt; font-weight: 600; overflow-wrap: anywhere; max-height: 3.6em; overflow: hidden; }
.qr-label .qr-unit { font-size: 7.5pt; overflow-wrap: anywhere; }
.qr-label .qr-scan { font-size: 7pt; color: #333; }
@media print {
  @page { size: A4 portrait; margin: 10mm 8mm; }
  .labels-head, .subnav, .flash, .breadcrumbs, .labels-note { display: none !important; }
  .label-sheet {
    width: 194mm; grid-template-columns: repeat(3, 64.66mm); grid-auto-rows: 34.6mm; border: 0; border-radius: 0;
    margin: 0; break-after: page;
  }
  .label-sheet:last-child { break-after: auto; }
  .qr-label { height: 34.6mm; min-height: 0; border: .2mm dashed #999; }
}
`;

export const EQUIPMENT_SCRIPT = `
(function () {
  'use strict';
  // [data-print]: a "Print" button, hidden until this script runs (printing needs the browser's menu otherwise).
  document.querySelectorAll('[data-print]').forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener('click', function () { window.print(); });
  });
  // The standard's editor: each block shows the fields its way of counting uses (all without script).
  document.querySelectorAll('[data-req-row]').forEach(function (row) {
    var shape = row.querySelector('select[name$=".form"]');
    if (!shape) return;
    var sync = function () {
      row.querySelectorAll('[data-for]').forEach(function (el) {
        el.hidden = (' ' + el.getAttribute('data-for') + ' ').indexOf(' ' + shape.value + ' ') < 0;
      });
    };
    shape.addEventListener('change', sync);
    sync();
  });
  var box = document.getElementById('import');
  if (!box) return;
  var form = document.getElementById('import-form');
  var file = document.getElementById('import-file');
  var progressBox = document.getElementById('import-progress');
  var bar = progressBox.querySelector('progress');
  var barText = document.getElementById('import-progress-text');
  var result = document.getElementById('import-result');
  var errorsBox = document.getElementById('import-errors');
  var errorsBody = errorsBox.querySelector('tbody');
  var commitBox = document.getElementById('import-commit-box');
  var commitBtn = document.getElementById('import-commit');
  var checkBtn = document.getElementById('import-check');
  var done = document.getElementById('import-done');
  var msg = function (k) { return box.getAttribute('data-msg-' + k) || ''; };
  var nf = new Intl.NumberFormat(box.getAttribute('data-lang') === 'en' ? 'en-US' : 'vi-VN');
  var fill = function (tpl, n) { return tpl.split('{n}').join(nf.format(n)); };
  var busy = false;
  var XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  form.hidden = false;

  function say(text, kind) {
    result.textContent = '';
    if (!text) { result.hidden = true; return; }
    var p = document.createElement('p');
    p.textContent = text;
    result.className = 'import-result flash flash-' + (kind || 'info');
    result.appendChild(p);
    result.hidden = false;
  }
  function reset() {
    say('');
    errorsBox.hidden = true;
    errorsBody.textContent = '';
    commitBox.hidden = true;
    done.hidden = true;
    progressBox.hidden = true;
  }
  function showErrors(list) {
    errorsBody.textContent = '';
    list.forEach(function (e) {
      var tr = document.createElement('tr');
      var cells = [
        e.line === undefined || e.line === null ? '' : String(e.line),
        e.column !== undefined && e.column !== null ? String(e.column) : (e.path ? String(e.path) : ''),
        e.message ? String(e.message) : ''
      ];
      var labels = [msg('col-line'), msg('col-column'), msg('col-error')];
      cells.forEach(function (text, i) {
        var td = document.createElement('td');
        td.textContent = text;
        td.setAttribute('data-label', labels[i]);
        if (i === 2) td.className = 'wrap';
        tr.appendChild(td);
      });
      errorsBody.appendChild(tr);
    });
    errorsBox.hidden = list.length === 0;
  }
  function send(dryRun) {
    var f = file.files && file.files[0];
    if (!f) { say(msg('no-file'), 'error'); file.focus(); return; }
    if (busy) return;
    busy = true;
    checkBtn.disabled = true; commitBtn.disabled = true;
    say('');
    errorsBox.hidden = true;
    commitBox.hidden = dryRun ? true : commitBox.hidden;
    progressBox.hidden = false;
    bar.max = 100; bar.value = 0;
    barText.textContent = msg('uploading');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', box.getAttribute('data-url') + '?dryRun=' + (dryRun ? '1' : '0'));
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('x-csrf-token', box.getAttribute('data-csrf') || '');
    xhr.upload.onprogress = function (ev) {
      if (!ev.lengthComputable) return;
      var pct = Math.round((ev.loaded / ev.total) * 100);
      bar.value = pct;
      barText.textContent = msg('uploading') + ' ' + pct + ' %';
    };
    xhr.upload.onload = function () {
      bar.value = 100;
      barText.textContent = msg('processing');
    };
    xhr.onerror = function () {
      busy = false; checkBtn.disabled = false; commitBtn.disabled = false;
      progressBox.hidden = true;
      say(msg('failed'), 'error');
    };
    xhr.onload = function () {
      busy = false; checkBtn.disabled = false; commitBtn.disabled = false;
      progressBox.hidden = true;
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      var errors = body && Array.isArray(body.errors) ? body.errors : [];
      if (xhr.status === 200 && body) {
        if (errors.length > 0) {
          showErrors(errors);
          commitBox.hidden = true;
          say(fill(msg('errors'), errors.length), 'error');
        } else if (dryRun) {
          commitBox.hidden = false;
          say(fill(msg('valid'), Number(body.rows) || 0) + '. ' + msg('valid-next'), 'success');
          commitBtn.focus();
        } else {
          commitBox.hidden = true;
          done.hidden = false;
          say(fill(msg('committed'), Number(body.created) || 0), 'success');
        }
        return;
      }
      if (errors.length > 0) {
        showErrors(errors);
        commitBox.hidden = true;
        say(fill(msg('errors'), errors.length), 'error');
        return;
      }
      say((body && (body.detail || body.title)) || msg('failed'), 'error');
    };
    // The API reads the file as the body, by its content type. Windows calls a .csv
    // "application/vnd.ms-excel", so the name's extension decides.
    var xlsx = /.xlsx$/i.test(f.name) || f.type === XLSX;
    xhr.setRequestHeader('content-type', xlsx ? XLSX : 'text/csv');
    xhr.send(f);
  }
  file.addEventListener('change', reset);
  form.addEventListener('submit', function (ev) { ev.preventDefault(); send(true); });
  commitBtn.addEventListener('click', function () { send(false); });
})();
`;

/** FNV-1a, as in `index.ts`: only to give each version of a file its own name. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export const EQUIPMENT_ASSET_URLS = {
  css: `/assets/equipment.${fnv1a(EQUIPMENT_STYLES)}.css`,
  js: `/assets/equipment.${fnv1a(EQUIPMENT_SCRIPT)}.js`,
} as const;

const FILES = new Map<string, { body: string; type: string }>([
  [EQUIPMENT_ASSET_URLS.css, { body: EQUIPMENT_STYLES, type: 'text/css; charset=utf-8' }],
  [EQUIPMENT_ASSET_URLS.js, { body: EQUIPMENT_SCRIPT, type: 'text/javascript; charset=utf-8' }],
]);

/** Mounted before the app's asset routes: answers its two names, passes every other `/assets/` on. */
export const equipmentAssetRoutes = new Hono().get('/assets/:name', (c, next) => {
  const a = FILES.get(c.req.path);
  if (!a) return next();
  return c.body(a.body, 200, {
    'content-type': a.type,
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  });
});
