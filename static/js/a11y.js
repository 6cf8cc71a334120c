/* Accessibility helpers for every page.
 *
 * - Charts with a text alternative: each drawn chart gets a name (its heading) and, after
 *   it, the table of the figures it draws, behind a disclosure.
 * - A table wider than the screen scrolls inside its own box; such a box is made
 *   reachable with the keyboard (it can then be scrolled with the arrow keys).
 */
(function () {
  "use strict";
  function cell(tag, text) {
    var el = document.createElement(tag);
    el.textContent = text === null || text === undefined ? "" : String(text);
    return el;
  }
  function describe() {
    if (typeof Chart === "undefined" || !Chart.instances) { return; }
    var summaryText = document.body.dataset.chartTable || "";
    Object.keys(Chart.instances).forEach(function (key) {
      var chart = Chart.instances[key];
      var canvas = chart.canvas;
      if (!canvas || canvas.dataset.described) { return; }
      canvas.dataset.described = "1";
      var box = canvas.parentElement;
      var heading = box.previousElementSibling || (box.parentElement && box.parentElement.querySelector("h2, h3"));
      canvas.setAttribute("role", "img");
      if (heading) { canvas.setAttribute("aria-label", heading.textContent.trim()); }
      var table = document.createElement("table");
      table.className = "table table-sm small mb-0";
      var head = document.createElement("tr");
      head.appendChild(cell("th", ""));
      (chart.data.datasets || []).forEach(function (ds, i) {
        var th = cell("th", ds.label || (heading ? heading.textContent.trim() : String(i + 1)));
        th.scope = "col";
        head.appendChild(th);
      });
      head.firstChild.appendChild(cell("span", summaryText)).className = "visually-hidden";
      var thead = document.createElement("thead");
      thead.appendChild(head);
      table.appendChild(thead);
      var body = document.createElement("tbody");
      (chart.data.labels || []).forEach(function (label, row) {
        var tr = document.createElement("tr");
        var th = cell("th", label);
        th.scope = "row";
        tr.appendChild(th);
        chart.data.datasets.forEach(function (ds) { tr.appendChild(cell("td", ds.data[row])); });
        body.appendChild(tr);
      });
      table.appendChild(body);
      var details = document.createElement("details");
      details.className = "chart-table mt-1";
      details.appendChild(cell("summary", summaryText));
      var wrap = document.createElement("div");
      wrap.className = "table-responsive";
      wrap.appendChild(table);
      details.appendChild(wrap);
      box.insertAdjacentElement("afterend", details);
    });
  }
  function scrollables() {
    document.querySelectorAll("main .table-responsive, main .table").forEach(function (el) {
      var wide = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible";
      if (wide && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollFocus = "1";
      } else if (!wide && el.dataset.scrollFocus) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollFocus;
      }
    });
  }
  window.addEventListener("load", function () { window.setTimeout(describe, 0); scrollables(); });
  window.addEventListener("resize", scrollables);
  document.addEventListener("htmx:afterSettle", function () { window.setTimeout(describe, 50); });
})();
