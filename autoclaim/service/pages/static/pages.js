// Enhancements only: every page works without this file.
"use strict";

(function () {
  function num(value) {
    var n = parseFloat(value);
    return isFinite(n) ? n : null;
  }
  function fmt(n) {
    return n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }

  // Override forms: show the line's and the estimate's new totals while typing.
  document.querySelectorAll("form.override-form").forEach(function (form) {
    var d = form.dataset;
    var preview = form.querySelector(".preview");
    function update() {
      var get = function (name, fallback) {
        var v = num(form.elements[name].value);
        return v === null ? num(fallback) : v;
      };
      var line = num(form.elements.total.value);
      if (line === null) {
        var hours = get("labour_hours", d.labourHours);
        line = get("part_cost", d.partCost) + hours * num(d.rate) + get("paint_cost", d.paintCost);
      }
      var estimate = num(d.estimateTotal) - num(d.lineTotal) + line;
      form.querySelector(".preview-line").textContent = fmt(line);
      form.querySelector(".preview-estimate").textContent = fmt(estimate);
      preview.hidden = false;
    }
    form.addEventListener("input", update);
  });

  // While the service is still analysing uploads, reload now and then (unless the user is
  // busy with a form).
  if (document.body.dataset.pending) {
    var busy = false;
    document.addEventListener("input", function () { busy = true; });
    document.addEventListener("change", function () { busy = true; });
    setTimeout(function () {
      if (!busy) { window.location.reload(); }
    }, 2500);
  }
})();
