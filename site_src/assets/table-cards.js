/* On a phone, wide tables read as a stack of cards: one card per row, each cell under the
 * name of its column, so that the amount, the target and the unit are on screen without
 * scrolling sideways (site.css lays the cards out below 45em; wider screens keep tables).
 *
 * Tables of four columns or more (or inside an element marked data-cards) are marked
 * data-fs-cards (an attribute, not a class: the theme styles only tables without a class)
 * and each cell gets a data-label (its column's heading). Display changes can strip table semantics in some browsers, so the
 * table's roles are set explicitly. Without JavaScript the tables stay tables and scroll.
 */
(function () {
  "use strict";

  function headings(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) return null;
    var names = [];
    Array.prototype.forEach.call(row.cells, function (th) {
      for (var i = 0; i < (th.colSpan || 1); i++) names.push(th.textContent.replace(/\s+/g, " ").trim());
    });
    return names;
  }

  function cardify(table) {
    if (table.hasAttribute("data-fs-cards")) return;
    var names = headings(table);
    if (!names || (names.length < 4 && !table.closest("[data-cards]"))) return;
    table.setAttribute("data-fs-cards", "");
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot"), function (group) {
      group.setAttribute("role", "rowgroup");
    });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var header = cell.tagName === "TH";
        var inHead = row.parentNode.tagName === "THEAD";
        cell.setAttribute("role", inHead ? "columnheader" : header ? "rowheader" : "cell");
        if (!inHead && cell.colSpan === 1 && names[column]) cell.setAttribute("data-label", names[column]);
        column += cell.colSpan || 1;
      });
    });
  }

  function init() {
    document.querySelectorAll(".md-typeset table").forEach(cardify);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
