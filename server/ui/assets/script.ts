/**
 * The UI's only script: progressive enhancement, never required. Every page works without it.
 * - `[data-copy]` buttons copy the text of the element named by `data-copy` (hidden until JS runs).
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
})();
`;
