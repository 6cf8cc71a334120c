/* A commune's criteria met per quarter (Chart.js 4, vendored), drawn when htmx brings the block. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("commune-criteria-data");
    var canvas = document.getElementById("chart-commune-criteria");
    if (!source || !canvas || typeof Chart === "undefined" || Chart.getChart(canvas)) { return; }
    var data = JSON.parse(source.textContent);
    var max = Math.max.apply(null, data.assessed.concat([1]));
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: [{ data: data.met, borderColor: "#198754", backgroundColor: "#198754", tension: 0.2 }] },
      options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, suggestedMax: max, ticks: { precision: 0 } } } }
    });
  }
  document.addEventListener("htmx:afterSettle", draw);
  document.addEventListener("DOMContentLoaded", draw);
})();
