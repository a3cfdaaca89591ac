/* Citations (fundsite/citation.py): the 引用日期 of a GB/T 7714 citation is the day the
 * reader cites the page, put in here; the copy buttons copy a citation's text. */
(function () {
  "use strict";

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function init() {
    document.querySelectorAll("[data-cited-on]").forEach(function (el) {
      el.textContent = el.textContent.replace("[引用日期]", "[" + today() + "]");
    });
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.hidden = !navigator.clipboard;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        navigator.clipboard.writeText(source.textContent).then(function () {
          button.textContent = "已复制";
        });
      });
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
