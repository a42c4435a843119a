/* Index page: sort by a column (click or Enter on its heading), filter by text and by flags. */
(function () {
  "use strict";
  var table = document.getElementById("pcrs");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById("filter");
  var flagFilter = document.getElementById("flagfilter");
  var shown = document.getElementById("shown");

  function key(row, col, type) {
    var cell = row.cells[col];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (type === "number") { return raw === "" ? null : parseFloat(raw); }
    return raw.trim().toLowerCase();
  }

  function sortBy(button) {
    var th = button.parentNode;
    var col = parseInt(button.getAttribute("data-col"), 10);
    var type = button.getAttribute("data-type");
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.setAttribute("aria-sort", "none"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
    rows.sort(function (a, b) {
      var x = key(a, col, type), y = key(b, col, type);
      if (x === y) { return 0; }
      if (x === null) { return 1; }   /* "not coded" always last */
      if (y === null) { return -1; }
      return (x < y ? -1 : 1) * dir;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function applyFilter() {
    var q = filter.value.trim().toLowerCase();
    var f = flagFilter.value;
    var n = 0;
    rows.forEach(function (row) {
      var sev = row.getAttribute("data-flags") || "";
      var ok = (!q || row.textContent.toLowerCase().indexOf(q) !== -1) &&
        (f === "" || (f === "any" && sev !== "") || (f === "none" && sev === "") ||
         (f === "error" && (" " + sev + " ").indexOf(" error ") !== -1));
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + " of " + rows.length + " shown";
  }

  Array.prototype.forEach.call(table.querySelectorAll("button.sort"), function (b) {
    b.addEventListener("click", function () { sortBy(b); });
  });
  filter.addEventListener("input", applyFilter);
  flagFilter.addEventListener("change", applyFilter);
  applyFilter();
})();
