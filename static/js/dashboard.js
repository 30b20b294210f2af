// Dashboard charts (Chart.js, served by the app). Each <canvas class="chart" data-chart="{json}">
// carries its own data; the tables beside the charts hold the same figures for screen readers
// and for use without JavaScript.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var palette = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#0a7f7f", "#57606a", "#d1242f", "#116329", "#953800"];
  document.querySelectorAll("canvas.chart[data-chart]").forEach(function (canvas) {
    var spec;
    try { spec = JSON.parse(canvas.getAttribute("data-chart")); } catch (e) { return; }
    var doughnut = spec.type === "doughnut";
    var datasets = spec.datasets.map(function (ds, i) {
      return {
        label: ds.label,
        data: ds.data,
        backgroundColor: doughnut ? palette.slice(0, ds.data.length) : palette[i % palette.length]
      };
    });
    var options = { responsive: true, plugins: { legend: { position: "bottom" } } };
    if (!doughnut) {
      options.scales = { y: { beginAtZero: true } };
      if (spec.unit === "%") { options.scales.y.max = 100; }
      if (spec.stacked) {  // counts: whole numbers on a stacked axis
        options.scales.x = { stacked: true };
        options.scales.y.stacked = true;
        options.scales.y.ticks = { precision: 0 };
      }
    }
    new window.Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
  });
})();
