/* Sort and filter the data tables (<div class="fs-sortable"><table>…</table></div>): the index
 * tables and the money and indicator tables of entity pages.
 *
 * Written for this site, no dependencies. Without JavaScript the tables are
 * plain, complete HTML tables in a sensible order; this script only adds:
 *   - a button in every column header: click to sort ascending, again for
 *     descending; the header's aria-sort tells screen readers the state;
 *   - above a table of more than 10 rows, a filter box that hides rows not
 *     containing the typed text, with a live count of the rows shown.
 * Numbers sort as numbers ("13,232.12" after "50"); "—" and empty cells go last.
 */
(function () {
  "use strict";

  var NUMBER = /^[-+]?\d[\d,]*(\.\d+)?$/;
  var FILTER_FROM_ROWS = 10;
  var collator = new Intl.Collator("zh-Hans-CN", { numeric: true });

  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function isEmpty(text) {
    return text === "" || text === "—" || text === "-";
  }

  function columnIsNumeric(rows, index) {
    var seen = false;
    for (var i = 0; i < rows.length; i++) {
      var text = cellText(rows[i], index);
      if (isEmpty(text)) continue;
      if (!NUMBER.test(text)) return false;
      seen = true;
    }
    return seen;
  }

  function compare(a, b, numeric) {
    var emptyA = isEmpty(a), emptyB = isEmpty(b);
    if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
    if (numeric) return parseFloat(a.replace(/,/g, "")) - parseFloat(b.replace(/,/g, ""));
    return collator.compare(a, b);
  }

  function sortBy(table, index, button) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var header = button.parentNode;
    var descending = header.getAttribute("aria-sort") === "ascending";
    var numeric = columnIsNumeric(rows, index);
    rows.forEach(function (row, i) { row._fsOrder = i; });
    rows.sort(function (r1, r2) {
      var order = compare(cellText(r1, index), cellText(r2, index), numeric);
      // Empty cells stay last in both directions; ties keep their current order.
      if (order !== 0 && !isEmpty(cellText(r1, index)) && !isEmpty(cellText(r2, index)) && descending) order = -order;
      return order || r1._fsOrder - r2._fsOrder;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }

  function addSorting(table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fs-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      button.setAttribute("title", "按此列排序");
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, button); });
    });
  }

  var filters = 0;

  function addFilter(wrapper, table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var id = "fs-filter-" + (++filters);
    var box = document.createElement("div");
    box.className = "fs-filter";
    box.innerHTML = '<label for="' + id + '">筛选本表</label> <input type="search" id="' + id +
      '" autocomplete="off" placeholder="输入名称、地区或数字"> <span class="fs-filter-count" aria-live="polite"></span>';
    var input = box.querySelector("input");
    var count = box.querySelector(".fs-filter-count");
    function apply() {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) shown++;
      });
      count.textContent = words.length ? "显示 " + shown + " / " + rows.length + " 行" : "共 " + rows.length + " 行";
    }
    input.addEventListener("input", apply);
    apply();
    wrapper.insertBefore(box, wrapper.firstChild);
  }

  function init() {
    document.querySelectorAll(".fs-sortable").forEach(function (wrapper) {
      if (wrapper.getAttribute("data-fs-ready")) return;
      var table = wrapper.querySelector("table");
      if (!table || !table.tBodies.length) return;
      wrapper.setAttribute("data-fs-ready", "1");
      addSorting(table);
      // A filter box only where there is something to filter: a short table reads at a glance.
      if (table.tBodies[0].rows.length > FILTER_FROM_ROWS) addFilter(wrapper, table);
    });
  }

  // Material re-renders content on instant navigation and announces it on document$.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
