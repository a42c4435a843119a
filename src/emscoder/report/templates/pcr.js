/* PCR page: a code button shows its evidence. The narrative spans carry our own target tokens in
   data-t; structured-field rows come from the JSON data block. No data is ever evaluated. */
(function () {
  "use strict";
  var dataEl = document.getElementById("report-data");
  var data = {};
  try { data = JSON.parse(dataEl ? dataEl.textContent : "{}") || {}; } catch (e) { data = {}; }
  var fields = data.fields || {};
  var status = document.getElementById("ev-status");
  var shown = [];
  var current = null;

  function clear() {
    shown.forEach(function (el) { el.classList.remove("active"); });
    shown = [];
    if (current) { current.classList.remove("current"); current = null; }
  }

  function show(button) {
    var token = button.getAttribute("data-target") || "";
    if (!/^[a-z]+[0-9]*$/.test(token)) { return; }
    clear();
    var els = Array.prototype.slice.call(document.querySelectorAll('#narrative [data-t~="' + token + '"]'));
    var spans = els.length;
    (Object.prototype.hasOwnProperty.call(fields, token) ? fields[token] : []).forEach(function (id) {
      var row = document.getElementById(String(id));
      if (row) { els.push(row); }
    });
    els.forEach(function (el) { el.classList.add("active"); });
    shown = els;
    current = button;
    button.classList.add("current");
    var what = button.textContent.replace(/\s+/g, " ").trim();
    if (els.length) {
      els[0].scrollIntoView({ block: "center", inline: "nearest", behavior: "auto" });
      status.textContent = "Evidence for " + what + ": " + spans + " narrative span(s), " +
        (els.length - spans) + " field(s) highlighted.";
    } else {
      status.textContent = "No evidence cited for " + what + ".";
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.code") : null;
    if (button) { show(button); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { clear(); status.textContent = ""; }
  });
})();
