// Skein's start-up watchdog (a classic script, so it runs even where modules cannot load):
// until the app has mounted, any failure to load its script or WebAssembly is said in text
// on the page instead of leaving it blank. The app's markup (`.app`) replaces this notice.
(function () {
  'use strict';
  var notice = document.getElementById('boot-status');
  var failed = false;
  function mounted() {
    return document.querySelector('.app') !== null;
  }
  function say(text) {
    if (!notice || mounted()) return;
    failed = true;
    notice.setAttribute('data-state', 'error');
    notice.textContent = 'Skein could not start: ' + text;
  }
  window.skeinBootFailed = say;
  var fromFile = location.protocol === 'file:';
  // resource errors do not bubble, but reach the window in the capture phase
  window.addEventListener('error', function (ev) {
    var el = ev.target;
    if (el && el !== window && (el.tagName === 'SCRIPT' || el.tagName === 'LINK')) {
      var what = el.src || el.href || 'a module of its start-up script';
      say('a file it needs did not load (' + what + ').' + (fromFile
        ? ' Pages opened from file:// cannot load their scripts: open skein.html (the single-file build) or serve this folder over HTTP.'
        : ' Check that the whole build folder is served.'));
    } else if (ev.message && !mounted()) {
      say(ev.message);
    }
  }, true);
  new MutationObserver(function (_, observer) {
    if (mounted()) {
      if (notice) notice.remove();
      observer.disconnect();
    }
  }).observe(document.body, { childList: true });
  setTimeout(function () {
    if (!mounted() && !failed) {
      say('it did not start within 20 seconds. This browser may lack WebAssembly, or a file of the build is missing.');
    }
  }, 20000);
})();
