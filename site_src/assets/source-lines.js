// Source texts (sources/<file>/): highlight the lines a value was copied from, given as
// ?lines=336-394,400 in the address, and bring the first into view. Without JavaScript the
// link's #L336 still scrolls to the first line, which CSS marks (:target).
(function () {
  var text = document.getElementById("source-text");
  if (!text) return;
  var spec = new URLSearchParams(window.location.search).get("lines");
  if (!spec) return;
  var first = null;
  spec.split(",").forEach(function (part) {
    var m = part.trim().match(/^(\d+)(?:\s*-\s*(\d+))?$/);
    if (!m) return;
    var from = Number(m[1]), to = m[2] ? Number(m[2]) : from;
    for (var n = from; n <= to && n - from < 10000; n++) {
      var line = document.getElementById("L" + n);
      if (line) {
        line.classList.add("fs-hl");
        if (!first) first = line;
      }
    }
  });
  if (first) first.scrollIntoView({block: "start"});
})();
