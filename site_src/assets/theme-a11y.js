/* An accessibility gap in the theme's markup, closed at page load (axe-core
 * flags it as "serious"; tests/test_accessibility.py keeps it closed):
 *   - Material wraps every table in a horizontally scrolling box that keyboard
 *     users cannot reach: make each box focusable, as a named region.
 * Kept out of a copied theme template so that theme upgrades still apply.
 */
(function () {
  "use strict";

  function focusableTableScrollers() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    Array.prototype.forEach.call(wraps, function (wrap, index) {
      if (wrap.hasAttribute("tabindex")) return;
      var table = wrap.querySelector("table");
      var first = table && table.querySelector("caption, thead th");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      // Numbered, so that every region has its own name.
      wrap.setAttribute("aria-label", "表格 " + (index + 1) + (first ? "（" + first.textContent.trim() + "…）" : ""));
    });
  }

  function init() {
    focusableTableScrollers();
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
