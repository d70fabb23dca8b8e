/* Lets @jupyter-widgets/html-manager 1.x (the static widget embed) work in this book.
 * 1. Its webpack bundle finds its fonts next to the AMD module URI that require.js derives from
 *    the page's folder ("<page dir>/@jupyter-widgets/html-manager/dist/"); map that module path
 *    to the folder this file and embed-amd.js are served from.
 * 2. It typesets widget labels with MathJax 2's MathJax.Hub.Queue; the book runs MathJax 3.
 *    Give whatever object window.MathJax holds (configuration, then MathJax 3 itself) a Hub whose
 *    Queue typesets with MathJax 3. */
(function () {
  var here = document.currentScript && document.currentScript.src;
  if (here && window.requirejs) {
    requirejs.config({paths: {"@jupyter-widgets/html-manager/dist": here.replace(/\/[^\/]*$/, "")}});
  }
  function typeset(el) {
    var M = window.MathJax;
    if (M && M.typesetPromise) {
      M.typesetPromise(el ? [el] : undefined).catch(function () {});
    } else if (M && M.startup && M.startup.promise) {
      M.startup.promise.then(function () { typeset(el); });
    } /* else MathJax has not started: its first pass typesets the whole page */
  }
  var hub = {Queue: function (cmd) { typeset(cmd && cmd[2]); }};
  function withHub(v) {
    if (v && typeof v === "object" && !v.Hub) {
      try { Object.defineProperty(v, "Hub", {value: hub, enumerable: false, configurable: true}); }
      catch (e) {}
    }
    return v;
  }
  var current = withHub(window.MathJax);
  try {
    Object.defineProperty(window, "MathJax", {
      configurable: true, enumerable: true,
      get: function () { return current; },
      set: function (v) { current = withHub(v); }
    });
  } catch (e) {}
})();
