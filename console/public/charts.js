/* global document, uPlot */
// Draws every chart of the page with uPlot: each `[data-chart=id]` element has a JSON block `#id` holding
// { x: unix seconds[], series: [{ label, values }] }. The same numbers are in the page's tables for screen readers.
"use strict";
(function () {
  const colors = ["#0b57d0", "#b35c00", "#1b6e3a", "#b00020", "#6a3d9a", "#00838f"];
  function draw() {
    if (typeof uPlot === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      const block = document.getElementById(el.getAttribute("data-chart"));
      if (!block) return;
      const spec = JSON.parse(block.textContent);
      const series = [{}].concat(
        spec.series.map(function (s, i) {
          return { label: s.label, stroke: colors[i % colors.length], width: 2, spanGaps: true };
        }),
      );
      const data = [spec.x].concat(
        spec.series.map(function (s) {
          return s.values;
        }),
      );
      new uPlot({ width: 560, height: 240, series: series, scales: { x: { time: true } } }, data, el);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
