/* The dashboard's charts (Chart.js 4, vendored) and the narrative's copy button. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#198754", "#0d6efd", "#fd7e14", "#6f42c1", "#20c997"];
  var lang = document.documentElement.lang || "vi";
  var numberFormat = new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB");

  function datasets(series) {
    return series.map(function (s, i) {
      return { label: s.label, data: s.data, backgroundColor: palette[i % palette.length] };
    });
  }

  function bar(id, labels, sets, extra) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") { return; }
    new Chart(canvas, Object.assign({
      type: "bar",
      data: { labels: labels, datasets: sets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, font: { size: 11 } } },
          tooltip: { callbacks: { label: function (ctx) {
            return ctx.dataset.label + ": " + numberFormat.format(ctx.parsed.y);
          } } }
        },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return numberFormat.format(v); } } } }
      }
    }, extra || {}));
  }

  bar("chart-works", data.labels, datasets(data.works));
  bar("chart-registries", data.labels, datasets(data.registries));
  if (data.ocop) {
    bar("chart-ocop", data.ocop.labels, [
      { label: data.ocop.products_label, data: data.ocop.products, backgroundColor: palette[0] },
      { label: data.ocop.candidates_label, data: data.ocop.candidates, backgroundColor: palette[2] }
    ]);
  }

  var button = document.getElementById("copy-narrative");
  var narrative = document.getElementById("narrative");
  if (button && narrative) {
    button.addEventListener("click", function () {
      var text = Array.prototype.map.call(narrative.querySelectorAll("p"), function (p) {
        return p.textContent.trim();
      }).join("\n\n");
      var done = function () { button.textContent = button.dataset.copied; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
      } else {
        fallback(text);
        done();
      }
    });
  }

  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }
})();
