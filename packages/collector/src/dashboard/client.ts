/**
 * The dashboard's only browser code: draws every `canvas[data-chart]` with
 * Chart.js from the JSON in `#chart-data`. It is served as the text of this
 * function (assets.ts), so it is type-checked and linted like the rest and
 * needs no bundler; it may use nothing but browser globals.
 */
import type { ChartConfiguration, Chart as ChartType } from "chart.js";

interface Series {
  label: string;
  data: number[];
}
interface ChartSpec {
  labels: string[];
  series: Series[];
  stacked?: boolean;
}

export function dashboardClient(): void {
  const Chart = (window as unknown as { Chart?: new (el: HTMLCanvasElement, c: ChartConfiguration) => ChartType })
    .Chart;
  const source = document.getElementById("chart-data");
  if (!Chart || !source?.textContent) return;
  const specs = JSON.parse(source.textContent) as Record<string, ChartSpec>;
  const palette = ["#2563eb", "#16a34a", "#dc2626", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];
  // colours that mean something keep their meaning: success green, failure and 5xx red
  const byLabel: Record<string, string> = {
    "2xx": "#16a34a",
    "3xx": "#0891b2",
    "4xx": "#d97706",
    "5xx": "#dc2626",
    successful: "#16a34a",
    failed: "#dc2626",
  };
  for (const canvas of document.querySelectorAll<HTMLCanvasElement>("canvas[data-chart]")) {
    const spec = specs[canvas.dataset.chart ?? ""];
    if (!spec || spec.series.length === 0) continue;
    const stacked = spec.stacked === true;
    new Chart(canvas, {
      type: stacked ? "bar" : "line",
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s, i) => {
          const color = byLabel[s.label] ?? palette[i % palette.length]!;
          // straight segments between daily points: a smoothed curve would invent values between days
          return {
            label: s.label,
            data: s.data,
            borderColor: color,
            backgroundColor: color,
            pointRadius: 2,
            tension: 0,
          };
        }),
      },
      options: {
        // no animation: the page is read, and screenshots show the final chart
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { x: { stacked }, y: { stacked, beginAtZero: true } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }
  document.documentElement.dataset.charts = "drawn";
}
