/* Small helps on every page. On a phone (static/css/app.css, "phones"): each table cell is given
   its column's name (data-label) so that a row can stand as a card, and the menu folds behind one
   button. A form sent back with errors puts the focus on its error summary (the GOV.UK pattern)
   where the browser did not honour its autofocus. Without this script the tables scroll
   sideways, the whole menu shows and the summary is still the first thing on the page. */
(function () {
  "use strict";

  function headerNames(table) {
    var row = table.tHead && table.tHead.rows[0];
    var names = [];
    if (!row) { return names; }
    Array.prototype.forEach.call(row.cells, function (cell) {
      var span = cell.colSpan || 1;
      for (var i = 0; i < span; i += 1) { names.push(cell.textContent.replace(/\s+/g, " ").trim()); }
    });
    return names;
  }

  function labelCells(table) {
    var names = headerNames(table);
    if (!names.length) { return; }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (names[column] && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", names[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("stacks");
  }

  function foldMenu() {
    var nav = document.querySelector(".main-nav");
    var button = document.querySelector(".nav-toggle");
    // a menu of one or two links takes one row: nothing to fold
    if (!nav || !button || nav.querySelectorAll("a").length < 3) { return; }
    nav.classList.add("folds");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
      if (open) {
        var first = nav.querySelector("a");
        if (first) { first.focus(); }
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        button.setAttribute("aria-expanded", "false");
        nav.classList.remove("open");
        button.focus();
      }
    });
  }

  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary && document.activeElement !== summary) { summary.focus(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.table"), labelCells);
  foldMenu();
  focusErrorSummary();
})();
