/**
 * The UI's only script: progressive enhancement, never required. Every page works without it.
 * - `[data-copy]` buttons copy the text of the element named by `data-copy` (hidden until JS runs).
 * - `time[data-countdown]` SLA countdowns stay live on a page left open: every 30 s and when the tab
 *   is shown again, text and colour are redone by the rules of `countdown()` in `format.ts`, with the
 *   words and the server's "now" that `<body>` carries (so a PC clock hours off does not matter).
 * Served as one immutable, hashed file; the CSP allows no inline script.
 */
export const SCRIPT = `
(function () {
  'use strict';
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var ta = document.createElement('textarea');
      ta.value = text; ta.setAttribute('readonly', ''); ta.className = 'visually-hidden';
      document.body.appendChild(ta); ta.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(ta);
      ok ? resolve() : reject(new Error('copy failed'));
    });
  }
  document.querySelectorAll('[data-copy]').forEach(function (btn) {
    var target = document.getElementById(btn.getAttribute('data-copy'));
    var status = document.getElementById(btn.getAttribute('data-copy') + '-status');
    if (!target) return;
    btn.hidden = false;
    btn.addEventListener('click', function () {
      copyText(target.textContent.trim()).then(function () {
        if (status) status.textContent = btn.getAttribute('data-copied') || '';
      }, function () {
        if (status) status.textContent = btn.getAttribute('data-copy-failed') || '';
        var range = document.createRange(); range.selectNodeContents(target);
        var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      });
    });
  });

  var body = document.body;
  if (document.querySelector('time[data-countdown]') && body.hasAttribute('data-countdown-remaining')) {
    var word = function (k) { return body.getAttribute('data-countdown-' + k) || ''; };
    var W = {
      days: word('days'), hours: word('hours'), minutes: word('minutes'), under: word('under-minute'),
      remaining: word('remaining'), overdue: word('overdue')
    };
    // The server's clock minus this PC's, taken once: Date.now() + skew is the server's "now".
    var serverNow = Date.parse(body.getAttribute('data-now') || '');
    var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
    var fill = function (tpl, key, v) { return tpl.split(key).join(String(v)); };
    // formatDuration: the two largest units; minutes only under a day; under a minute in words.
    var duration = function (ms) {
      var total = Math.floor(Math.abs(ms) / 60000);
      if (total < 1) return W.under;
      var d = Math.floor(total / 1440), h = Math.floor((total % 1440) / 60), m = total % 60, bits = [];
      if (d > 0) bits.push(fill(W.days, '{n}', d));
      if (h > 0) bits.push(fill(W.hours, '{n}', h));
      if (m > 0 && d === 0) bits.push(fill(W.minutes, '{n}', m));
      return bits.slice(0, 2).join(' ');
    };
    var URGENCY = ['countdown-ok', 'countdown-soon', 'countdown-overdue'];
    var update = function () {
      var now = Date.now() + skew;
      var els = document.querySelectorAll('time[data-countdown]');
      for (var i = 0; i < els.length; i++) {
        var el = els[i];
        var due = Date.parse(el.getAttribute('datetime') || '');
        if (isNaN(due)) continue;
        var left = due - now;
        var soonAttr = el.getAttribute('data-soon-ms');
        var soon = soonAttr === null ? 3600000 : Number(soonAttr);
        var cls = left < 0 ? URGENCY[2] : left <= soon ? URGENCY[1] : URGENCY[0];
        var text = fill(left < 0 ? W.overdue : W.remaining, '{d}', duration(left));
        if (el.textContent !== text) el.textContent = text;
        if (!el.classList.contains(cls)) {
          el.classList.remove(URGENCY[0], URGENCY[1], URGENCY[2]);
          el.classList.add(cls);
        }
      }
    };
    setInterval(update, 30000);
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible') update();
    });
  }
})();
`;
